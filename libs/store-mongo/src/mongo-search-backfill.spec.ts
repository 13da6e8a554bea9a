import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldForSearch, searchTokens } from '@chatter/core';
import { TestMongo, requireService, startMongo } from '@chatter/testing';
import { backfillSearchTokens } from './mongo-search-backfill';

const hasMongo = requireService('mongo', 'MongoDB search token backfill');

describe.skipIf(!hasMongo)('MongoDB search token backfill', () => {
  let mongo: TestMongo | null = null;
  beforeAll(async () => {
    mongo = await startMongo();
  }, 60_000);
  afterAll(() => mongo?.stop());

  it('gives tokens to messages stored without them, once, and leaves the rest alone', async () => {
    const connection = await mongoose
      .createConnection(mongo!.uri, {
        dbName: `chatter_${randomBytes(6).toString('hex')}`,
        autoCreate: false,
        autoIndex: false,
      })
      .asPromise();
    try {
      const messages = connection.db!.collection<Record<string, unknown>>('messages');
      await messages.insertMany([
        { _id: 'old' as never, tenantId: 'acme', body: 'Café 東京 👍' },
        { _id: 'gone' as never, tenantId: 'acme', body: null },
        { _id: 'new' as never, tenantId: 'acme', body: 'kept', searchTokens: ['w:x'] },
      ]);
      expect(await backfillSearchTokens(connection)).toBe(1);
      const byId = async (id: string) => messages.findOne({ _id: id as never });
      expect((await byId('old'))!['searchTokens']).toEqual(
        searchTokens(foldForSearch('Café 東京 👍')),
      );
      expect((await byId('old'))!['searchTokens']).toEqual(
        expect.arrayContaining(['w:cafe', '2:東京', '1:👍']),
      );
      expect((await byId('gone'))!['searchTokens']).toBeUndefined();
      expect((await byId('new'))!['searchTokens']).toEqual(['w:x']);
      expect(await backfillSearchTokens(connection)).toBe(0);
    } finally {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    }
  });
});
