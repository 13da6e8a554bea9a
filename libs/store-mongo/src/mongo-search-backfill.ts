import type { Connection } from 'mongoose';
import { searchTokensOf } from './mappers/message.mapper';

/**
 * Gives search tokens to messages stored before search in every script (they have a body and no
 * `searchTokens`), so they can be found. One pass; idempotent and safe from several instances at
 * once (each writes the same tokens, and only where the body is still the one it read). Returns
 * the number of messages updated.
 */
export async function backfillSearchTokens(connection: Connection): Promise<number> {
  const db = connection.db;
  if (!db) throw new Error('the MongoDB connection is not open');
  const messages = db.collection<{ _id: string; body: string | null; searchTokens?: string[] }>(
    'messages',
  );
  let updated = 0;
  const cursor = messages
    .find(
      { searchTokens: { $exists: false }, body: { $type: 'string' } },
      { projection: { _id: 1, body: 1 } },
    )
    .batchSize(500);
  for await (const m of cursor) {
    const result = await messages.updateOne(
      { _id: m._id, body: m.body, searchTokens: { $exists: false } },
      { $set: { searchTokens: searchTokensOf(m.body) } },
    );
    updated += result.modifiedCount;
  }
  return updated;
}
