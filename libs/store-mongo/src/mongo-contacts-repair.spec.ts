import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestMongo, requireService, startMongo } from '@chatter/testing';
import { repairContactsByConsent } from './mongo-contacts-repair';

const hasMongo = requireService('mongo', 'MongoDB contacts repair');

describe.skipIf(!hasMongo)('MongoDB one-time repair: contacts by consent', () => {
  let mongo: TestMongo | null = null;
  beforeAll(async () => {
    mongo = await startMongo();
  }, 60_000);
  afterAll(() => mongo?.stop());

  it('drops the contact a DM’s first message gave to a member who never wrote in it, once, and nothing else', async () => {
    const connection = await mongoose
      .createConnection(mongo!.uri, {
        dbName: `chatter_${randomBytes(6).toString('hex')}`,
        autoCreate: false,
        autoIndex: false,
      })
      .asPromise();
    try {
      const db = connection.db!;
      const t = 'acme';
      const key = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);
      const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
      let n = 0;
      const contact = (ownerId: string, contactId: string, ms: number) =>
        db.collection('contacts').insertOne({
          _id: `c${++n}` as never,
          tenantId: t,
          ownerId,
          contactId,
          createdAt: at(ms),
        });
      const dm = (id: string, a: string, b: string) =>
        db
          .collection('conversations')
          .insertOne({ _id: id as never, tenantId: t, kind: 'DIRECT', uniqueKey: key(a, b) });
      const say = (conversationId: string, senderId: string) =>
        db.collection('messages').insertOne({
          _id: `m${++n}` as never,
          tenantId: t,
          conversationId,
          senderId,
          clientMessageId: `k${n}`,
          body: 'hi',
        });

      // Ann wrote to Bob, who never answered: the old code made them contacts both ways at once.
      await dm('dm-ab', 'ann', 'bob');
      await say('dm-ab', 'ann');
      await contact('ann', 'bob', 1000);
      await contact('bob', 'ann', 1000);
      // Both wrote: both directions stay.
      await dm('dm-ac', 'ann', 'cat');
      await say('dm-ac', 'ann');
      await say('dm-ac', 'cat');
      await contact('ann', 'cat', 2000);
      await contact('cat', 'ann', 2000);
      // Added by hand at different times: stays although only Dan wrote.
      await dm('dm-ad', 'ann', 'dan');
      await say('dm-ad', 'dan');
      await contact('ann', 'dan', 3000);
      await contact('dan', 'ann', 3001);
      // Same time, but no DM between them: not made by a first message.
      await contact('eve', 'bob', 4000);
      await contact('bob', 'eve', 4000);
      // Another tenant's identical ids are judged in their own tenant only.
      await db.collection('contacts').insertOne({
        _id: 'other' as never,
        tenantId: 'other',
        ownerId: 'bob',
        contactId: 'ann',
        createdAt: at(1000),
      });

      expect(await repairContactsByConsent(connection)).toBe(1);
      const rows = (await db.collection('contacts').find({}).toArray())
        .map((c) => `${c.tenantId}:${c.ownerId}>${c.contactId}`)
        .sort();
      expect(rows).toEqual([
        'acme:ann>bob',
        'acme:ann>cat',
        'acme:ann>dan',
        'acme:bob>eve',
        'acme:cat>ann',
        'acme:dan>ann',
        'acme:eve>bob',
        'other:bob>ann',
      ]);
      // Recorded: a later start changes nothing, even for a new same-time pair.
      await contact('bob', 'ann', 5000);
      await contact('ann', 'bob', 5000);
      expect(await repairContactsByConsent(connection)).toBe(0);
      expect(
        await db
          .collection('contacts')
          .countDocuments({ tenantId: t, ownerId: 'bob', contactId: 'ann' }),
      ).toBe(1);
    } finally {
      await connection.close();
    }
  });
});
