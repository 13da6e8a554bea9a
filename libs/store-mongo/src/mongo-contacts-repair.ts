import { directKey } from '@chatter/core';
import type { Connection, mongo } from 'mongoose';

const MARKER = 'contacts-by-consent';
const DUPLICATE_KEY = 11000;

/**
 * One-time repair of contacts made before contacts needed consent: the first message of a direct
 * conversation used to add each member to the other's contacts (both at the same createdAt),
 * which showed the recipient's phone number to whoever wrote first. Now writing adds only the
 * recipient to the writer's contacts, so of such a pair this drops the direction of a member who
 * never wrote in the DM. Recorded in `store_migrations`; safe to run from several instances at
 * once (the deletions are idempotent). Returns the number of contacts removed.
 */
export async function repairContactsByConsent(connection: Connection): Promise<number> {
  const db = connection.db;
  if (!db) throw new Error('the MongoDB connection is not open');
  const markers = db.collection<{ _id: string; appliedAt: Date }>('store_migrations');
  if (await markers.findOne({ _id: MARKER })) return 0;
  const contacts = db.collection('contacts');
  const conversations = db.collection('conversations');
  const messages = db.collection('messages');

  const legacy: mongo.BSON.Document['_id'][] = [];
  const cursor = contacts
    .find({}, { projection: { tenantId: 1, ownerId: 1, contactId: 1, createdAt: 1 } })
    .batchSize(500);
  for await (const c of cursor) {
    const { tenantId, ownerId, contactId, createdAt } = c as unknown as {
      tenantId: string;
      ownerId: string;
      contactId: string;
      createdAt: Date;
    };
    const reverse = await contacts.findOne(
      { tenantId, ownerId: contactId, contactId: ownerId, createdAt },
      { projection: { _id: 1 } },
    );
    if (!reverse) continue;
    const dm = await conversations.findOne(
      { tenantId, uniqueKey: directKey(ownerId, contactId), kind: 'DIRECT' },
      { projection: { _id: 1 } },
    );
    if (!dm) continue;
    const wrote = await messages.findOne(
      { tenantId, conversationId: dm._id, senderId: ownerId },
      { projection: { _id: 1 } },
    );
    if (!wrote) legacy.push(c._id);
  }
  // Deleted after the scan, so every pair was judged on the data as it was.
  let removed = 0;
  for (let i = 0; i < legacy.length; i += 500) {
    removed += (
      await contacts.deleteMany({
        _id: { $in: legacy.slice(i, i + 500) },
      } as mongo.Filter<mongo.BSON.Document>)
    ).deletedCount;
  }
  try {
    await markers.insertOne({ _id: MARKER, appliedAt: new Date() });
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
  }
  return removed;
}
