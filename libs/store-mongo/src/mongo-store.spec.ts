import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ChatStreams,
  ConversationRepository,
  ConversationWatch,
  CoreSettings,
  HOLE_WAIT_MS,
  InMemoryEventBus,
  ManualClock,
  MessageRepository,
  NewMember,
  PublishErrorReporter,
  RealtimePublisher,
  StreamItem,
  TenantRepository,
  TopicRouter,
  User,
  UserRepository,
  StarRepository,
  ThreadFollowRepository,
  UserViewPolicy,
} from '@chatter/core';
import {
  StoreUnderTest,
  TestMongo,
  aConversation,
  aMessage,
  aTenantId,
  aUser,
  isRealMongo,
  nextTime,
  seedUsers,
  requireService,
  startMongo,
  storeContracts,
} from '@chatter/testing';
import { CLAIM_STALE_MS } from './mongo-message.repository';
import { MongoStoreHealth } from './mongo-store.health';
import { MongoStoreModule } from './mongo-store.module';
import { MongoStore, createMongoStore } from './create-mongo-store';
import { modelsOf } from './mongo-models';
import { MongoTransactionMode } from './mongo-store.options';

const hasMongo = requireService('mongo', 'MongoDB store');
const real = isRealMongo();
let mongo: TestMongo | null = null;

const uniqueDb = (): string => `chatter_${randomBytes(6).toString('hex')}`;

/** A store on a fresh database; on a real server its cleanup drops the database (the engine lacks dropDatabase). */
async function openStore(
  transactions: MongoTransactionMode = 'auto',
): Promise<MongoStore & { cleanup(): Promise<void> }> {
  const store = await createMongoStore(mongo!.uri, { dbName: uniqueDb(), transactions });
  return {
    ...store,
    cleanup: async () => {
      if (real) await store.connection.dropDatabase();
      await store.close();
    },
  };
}

/**
 * Holds the first call of `model[method]` whose arguments `matches` until `release()` — a writer
 * whose connection stalls at that step — and resolves `reached` once it is held.
 */
function stallOnce(
  model: object,
  method: 'findOneAndUpdate' | 'insertMany' | 'updateOne',
  matches: (...args: unknown[]) => boolean,
): { reached: Promise<void>; release: () => void } {
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const gate = new Promise<void>((r) => (release = r));
  const target = model as Record<string, (...args: unknown[]) => unknown>;
  const original = target[method]!.bind(model);
  let done = false;
  vi.spyOn(target, method).mockImplementation((...args: unknown[]) => {
    const result = original(...args);
    if (done || !matches(...args)) return result;
    done = true;
    reach();
    if (method === 'insertMany') return gate.then(() => result);
    // A query: runs only when executed, so the write itself waits for the gate.
    const query = result as { exec: () => Promise<unknown> };
    const exec = query.exec.bind(query);
    query.exec = () => gate.then(exec);
    return query;
  });
  return { reached, release };
}

describe.skipIf(!hasMongo)('MongoDB store', () => {
  beforeAll(async () => {
    mongo = await startMongo();
  });
  afterAll(() => mongo?.stop());

  describe('contracts', () => {
    // Search runs on token arrays (no `$text`), so its cases run on the test engine too.
    storeContracts('mongo', () => openStore() as Promise<StoreUnderTest>);
  });

  describe('contracts with transactions (real MongoDB replica set only: the test engine reports no replica set, and its transactions lose concurrent updates)', () => {
    let supported = false;
    beforeAll(async () => {
      if (!real) return;
      const probe = await openStore();
      supported = await probe.usesTransactions();
      await probe.cleanup();
    });
    beforeEach((ctx) => {
      ctx.skip(!supported, 'needs a MongoDB replica set or mongos in MONGODB_URI');
    });
    storeContracts('mongo with transactions', () => openStore('always') as Promise<StoreUnderTest>);
  });

  describe('indexes', () => {
    it('creates the unique, partial and text indexes the queries rely on', async () => {
      const store = await openStore();
      try {
        const indexes = async (collection: string) =>
          (await store.connection.collection(collection).listIndexes().toArray()).map((i) => ({
            key: i['key'],
            unique: i['unique'] === true,
            partial: i['partialFilterExpression'] ?? null,
          }));
        expect(await indexes('messages')).toEqual(
          expect.arrayContaining([
            {
              key: { tenantId: 1, conversationId: 1, seq: 1 },
              unique: true,
              partial: { seq: { $gt: 0 } },
            },
            { key: { tenantId: 1, senderId: 1, clientMessageId: 1 }, unique: true, partial: null },
          ]),
        );
        const messageIndexes = await store.connection
          .collection('messages')
          .listIndexes()
          .toArray();
        // Search reads token arrays under the tenant prefix; no text index is built.
        expect(
          messageIndexes.filter((i) => Object.values(i['key'] as object).includes('text')),
        ).toEqual([]);
        expect(messageIndexes.find((i) => i['name'] === 'tenant_search_tokens')?.['key']).toEqual({
          tenantId: 1,
          searchTokens: 1,
        });
        expect(await indexes('conversation_events')).toEqual(
          expect.arrayContaining([
            { key: { tenantId: 1, conversationId: 1, seq: 1 }, unique: true, partial: null },
          ]),
        );
        expect(await indexes('conversations')).toEqual(
          expect.arrayContaining([
            {
              key: { tenantId: 1, uniqueKey: 1 },
              unique: true,
              partial: { uniqueKey: { $exists: true } },
            },
          ]),
        );
        expect(await indexes('conversation_members')).toEqual(
          expect.arrayContaining([
            {
              key: { tenantId: 1, userId: 1, lastActivityAt: -1, conversationId: 1 },
              unique: false,
              partial: { active: true },
            },
            {
              key: { tenantId: 1, conversationId: 1, joinedAt: 1, userId: 1 },
              unique: false,
              partial: { active: true },
            },
          ]),
        );
      } finally {
        await store.cleanup();
      }
    });

    it('creates them idempotently when a second store opens the same database', async () => {
      const dbName = uniqueDb();
      const first = await createMongoStore(mongo!.uri, { dbName });
      const second = await createMongoStore(mongo!.uri, { dbName });
      try {
        expect(await second.isReady()).toBe(true);
      } finally {
        if (real) await first.connection.dropDatabase();
        await first.close();
        await second.close();
      }
    });
  });

  describe('crash safety of multi-step writes', () => {
    const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });
    let store: Awaited<ReturnType<typeof openStore>>;
    beforeEach(async () => {
      store = await openStore();
      return () => store.cleanup();
    });

    const aChat = async (t: string) => {
      const users = await seedUsers(store, t, 2);
      const conversation = await store.conversations.create(aConversation(t), users.map(member));
      return { conversation, users };
    };

    it('hides a claimed message from readers, and the next attempt with its key completes a stale claim', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(t);
      const input = aMessage(t, conversation.id, users[0].id, { clientMessageId: 'crashed' });
      // A writer that died right after claiming the key.
      await store.connection.collection('messages').insertOne({
        _id: input.id as never,
        tenantId: t,
        conversationId: conversation.id,
        senderId: input.senderId,
        clientMessageId: input.clientMessageId,
        body: input.body,
        replyToId: null,
        createdAt: input.createdAt,
        editedAt: null,
        deletedAt: null,
        lastUpdateSeq: 0,
        bodySeq: 0,
        claimedAt: new Date(Date.now() - CLAIM_STALE_MS - 1000),
      });
      expect(await store.messages.findById(t, input.id)).toBeNull();
      expect(
        await store.messages.listBySeq(t, conversation.id, { limit: 10, direction: 'forward' }),
      ).toEqual([]);

      const retry = await store.messages.append({ ...input, id: 'a-new-id-from-the-retry' });
      expect(retry.created).toBe(true);
      expect(retry.message).toMatchObject({ id: input.id, seq: 1, body: input.body });
      expect(await store.conversations.listEvents(t, conversation.id, 0, 10)).toEqual([
        retry.event,
      ]);
      expect(await store.conversations.findById(t, conversation.id)).toMatchObject({
        lastSeq: 1,
        lastMessageId: input.id,
      });
    });

    it('shows an entry only once its change committed: a seq reserved by a dead writer is a hole', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(t);
      const first = await store.messages.append(aMessage(t, conversation.id, users[0].id));
      // A dead writer reserved seq 2 and recorded its entries, but never committed the changes.
      await store.connection
        .collection('conversations')
        .updateOne({ _id: conversation.id as never }, { $inc: { lastSeq: 4 } });
      await store.connection.collection('conversation_events').insertMany([
        {
          tenantId: t,
          conversationId: conversation.id,
          seq: 2,
          kind: 'MESSAGE_ADDED',
          messageId: 'never-written',
          at: nextTime(),
        },
        {
          tenantId: t,
          conversationId: conversation.id,
          seq: 3,
          kind: 'MESSAGE_UPDATED',
          messageId: first.message.id,
          at: nextTime(),
        },
        {
          tenantId: t,
          conversationId: conversation.id,
          seq: 4,
          kind: 'MEMBERSHIP_CHANGED',
          userId: users[1].id,
          change: 'REMOVED',
          at: nextTime(),
        },
        {
          tenantId: t,
          conversationId: conversation.id,
          seq: 5,
          kind: 'CONVERSATION_CHANGED',
          at: nextTime(),
        },
      ]);
      const next = await store.messages.append(aMessage(t, conversation.id, users[1].id));
      expect(next.message.seq).toBe(6);
      expect(await store.conversations.listEvents(t, conversation.id, 0, 10)).toEqual([
        first.event,
        next.event,
      ]);
      // The limit counts visible entries only.
      expect(await store.conversations.listEvents(t, conversation.id, 0, 2)).toEqual([
        first.event,
        next.event,
      ]);
      expect(await store.conversations.getMember(t, conversation.id, users[1].id)).not.toBeNull();
    });

    describe('settling seqs a reader gave up waiting for', () => {
      const seqOf = (u: unknown): unknown =>
        (u as { $set?: { seq?: unknown } } | undefined)?.$set?.seq;

      it('voids a message seq whose commit stalls: the append commits under a later seq, the void one never shows', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(t);
        const first = await store.messages.append(aMessage(t, conversation.id, users[0].id));
        // The writer of seq 2 reserved it and recorded its entry; its commit stalls.
        const stall = stallOnce(
          modelsOf(store.connection).messages,
          'findOneAndUpdate',
          (_filter, update) => seqOf(update) !== undefined,
        );
        const stalled = store.messages.append(aMessage(t, conversation.id, users[0].id));
        await stall.reached;
        const third = await store.messages.append(aMessage(t, conversation.id, users[1].id));
        expect(third.event!.seq).toBe(3);

        const settled = await store.conversations.settleSeqs(t, conversation.id, 1, 3);
        expect(settled).toEqual({ entries: [third.event], pending: [] });

        stall.release();
        const late = await stalled;
        expect(late.created).toBe(true);
        expect(late.event!.seq).toBe(4);
        expect(late.message.seq).toBe(4);
        expect(
          (await store.conversations.listEvents(t, conversation.id, 0, 10)).map((e) => e.seq),
        ).toEqual([1, 3, 4]);
        // Settling again agrees, and history holds each message once, under its final seq.
        expect(await store.conversations.settleSeqs(t, conversation.id, 0, 4)).toEqual({
          entries: [first.event, third.event, late.event],
          pending: [],
        });
        expect(
          (
            await store.messages.listBySeq(t, conversation.id, { limit: 10, direction: 'forward' })
          ).map((m) => m.seq),
        ).toEqual([1, 3, 4]);
        expect(await store.messages.countUnread(t, conversation.id, users[1].id, 0)).toBe(2);
      });

      it('voids a seq whose entry is not recorded yet: the writer’s record fails and it takes a later seq', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(t);
        await store.messages.append(aMessage(t, conversation.id, users[0].id));
        const stall = stallOnce(modelsOf(store.connection).events, 'insertMany', () => true);
        const stalled = store.messages.append(aMessage(t, conversation.id, users[0].id));
        await stall.reached;
        const third = await store.messages.append(aMessage(t, conversation.id, users[1].id));
        expect(third.event!.seq).toBe(3);

        expect(await store.conversations.settleSeqs(t, conversation.id, 1, 3)).toEqual({
          entries: [third.event],
          pending: [],
        });
        stall.release();
        const late = await stalled;
        expect(late.event!.seq).toBe(4);
        expect(
          (await store.conversations.listEvents(t, conversation.id, 0, 10)).map((e) => e.seq),
        ).toEqual([1, 3, 4]);
      });

      it('voids a reaction seq staged before its entry: the reaction is staged again under a later seq', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(t);
        const { message } = await store.messages.append(aMessage(t, conversation.id, users[0].id));
        // The reaction's entry is written by an upsert; it stalls.
        const stall = stallOnce(
          modelsOf(store.connection).events,
          'updateOne',
          (_filter, _update, options) => (options as { upsert?: boolean })?.upsert === true,
        );
        const reacting = store.messages.addReaction(t, message.id, users[1].id, '👍', nextTime());
        await stall.reached;
        const third = await store.messages.append(aMessage(t, conversation.id, users[1].id));
        expect(third.event!.seq).toBe(3);
        expect(await store.conversations.settleSeqs(t, conversation.id, 1, 3)).toEqual({
          entries: [third.event],
          pending: [],
        });
        stall.release();
        const reacted = await reacting;
        expect(reacted?.event.seq).toBe(4);
        expect(
          (await store.conversations.listEvents(t, conversation.id, 0, 10)).map((e) => e.seq),
        ).toEqual([1, 3, 4]);
        expect(await store.messages.reactions(t, [message.id], users[1].id)).toEqual([
          { messageId: message.id, emoji: '👍', count: 1, mine: true },
        ]);
      });

      it('leaves an uncommitted entry of another kind pending while its write is recent', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(t);
        await store.messages.append(aMessage(t, conversation.id, users[0].id));
        await store.connection
          .collection('conversations')
          .updateOne({ _id: conversation.id as never }, { $inc: { lastSeq: 2 } });
        // Seq 2: a membership change recorded a moment ago, not committed yet; seq 3: one whose
        // writer died long ago.
        await store.connection.collection('conversation_events').insertMany([
          {
            tenantId: t,
            conversationId: conversation.id,
            seq: 2,
            kind: 'MEMBERSHIP_CHANGED',
            userId: users[1].id,
            change: 'REMOVED',
            at: new Date(),
          },
          {
            tenantId: t,
            conversationId: conversation.id,
            seq: 3,
            kind: 'MEMBERSHIP_CHANGED',
            userId: users[1].id,
            change: 'ROLE_CHANGED',
            at: new Date(Date.now() - 60_000),
          },
        ]);
        expect(await store.conversations.settleSeqs(t, conversation.id, 1, 3)).toEqual({
          entries: [],
          pending: [2],
        });
      });
    });

    it('rolls a reaction staged by a dead writer forward with its own seq, and hides it until then', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(t);
      const { message } = await store.messages.append(aMessage(t, conversation.id, users[0].id));
      const at = nextTime();
      // Reserved seq 2 and staged it on the reaction, then died before recording the entry.
      await store.connection
        .collection('conversations')
        .updateOne({ _id: conversation.id as never }, { $inc: { lastSeq: 1 } });
      await store.connection.collection('message_reactions').insertOne({
        tenantId: t,
        messageId: message.id,
        conversationId: conversation.id,
        userId: users[1].id,
        emoji: '👍',
        createdAt: at,
        seq: 2,
        claimedAt: new Date(Date.now() - CLAIM_STALE_MS - 1000),
      });
      expect(await store.messages.reactions(t, [message.id], users[1].id)).toEqual([]);
      expect(
        (await store.conversations.listEvents(t, conversation.id, 0, 10)).map((e) => e.seq),
      ).toEqual([1]);

      const retried = await store.messages.addReaction(
        t,
        message.id,
        users[1].id,
        '👍',
        nextTime(),
      );
      expect(retried?.event).toEqual({
        kind: 'MESSAGE_UPDATED',
        seq: 2,
        messageId: message.id,
        at,
      });
      expect(await store.messages.reactions(t, [message.id], users[1].id)).toEqual([
        { messageId: message.id, emoji: '👍', count: 1, mine: true },
      ]);
      expect(
        (await store.conversations.listEvents(t, conversation.id, 0, 10)).map((e) => e.seq),
      ).toEqual([1, 2]);
      expect((await store.conversations.findById(t, conversation.id))?.lastSeq).toBe(2);
    });

    it('lets a reaction be added again when its committed removal was never cleaned up', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(t);
      const { message } = await store.messages.append(aMessage(t, conversation.id, users[0].id));
      await store.messages.addReaction(t, message.id, users[1].id, '🔥', nextTime());
      const removed = await store.messages.removeReaction(
        t,
        message.id,
        users[1].id,
        '🔥',
        nextTime(),
      );
      expect(removed?.event.seq).toBe(3);
      // As if the cleanup after the commit had not run.
      await store.connection.collection('message_reactions').insertOne({
        tenantId: t,
        messageId: message.id,
        conversationId: conversation.id,
        userId: users[1].id,
        emoji: '🔥',
        createdAt: nextTime(),
        seq: 2,
        removedSeq: 3,
      });
      expect(await store.messages.reactions(t, [message.id], users[1].id)).toEqual([]);
      const again = await store.messages.addReaction(t, message.id, users[1].id, '🔥', nextTime());
      expect(again?.event.seq).toBe(4);
      expect(await store.messages.reactions(t, [message.id], users[0].id)).toEqual([
        { messageId: message.id, emoji: '🔥', count: 1, mine: false },
      ]);
    });

    it('completes a conversation whose creation stopped before its members were written', async () => {
      const t = aTenantId();
      const [a, b] = await seedUsers(store, t, 2);
      const dm = aConversation(t, { kind: 'DIRECT', title: null, uniqueKey: `dm:${a.id}:${b.id}` });
      await store.connection.collection('conversations').insertOne({
        _id: dm.id as never,
        tenantId: t,
        kind: 'DIRECT',
        title: null,
        titleFolded: null,
        titleSeq: 0,
        uniqueKey: dm.uniqueKey,
        lastSeq: 0,
        lastMessageId: null,
        lastActivityAt: dm.lastActivityAt,
        memberCount: 2,
        createdBy: null,
        createdAt: dm.createdAt,
        pendingMembers: [
          { userId: a.id, role: 'MEMBER' },
          { userId: b.id, role: 'MEMBER' },
        ],
      });
      const found = await store.conversations.findOrCreateUnique({ ...dm, id: 'another-id' }, [
        member(a),
        member(b),
      ]);
      expect(found).toMatchObject({ created: false, conversation: { id: dm.id, memberCount: 2 } });
      expect(await store.conversations.getMember(t, dm.id, a.id)).toMatchObject({
        role: 'MEMBER',
        joinedAt: dm.createdAt,
      });
      expect(await store.conversations.listIdsForUser(t, b.id, 10)).toEqual([dm.id]);
      const raw = await store.connection
        .collection('conversations')
        .findOne({ _id: dm.id as never });
      expect(raw?.['pendingMembers']).toBeUndefined();
    });
  });

  describe('ChatStream over MongoDB: a writer stalled past HOLE_WAIT_MS', () => {
    class ThrowingReporter extends PublishErrorReporter {
      report(error: unknown): void {
        throw error;
      }
    }
    const until = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
      const end = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    it('delivers the stalled message live and on resume, after the stream settled the hole it left', async () => {
      const store = await openStore();
      const clock = new ManualClock(Date.now());
      const settings = new CoreSettings({ replayLimit: 50, reconcileIntervalMs: 0 });
      const bus = new InMemoryEventBus();
      const router = new TopicRouter(bus);
      const publisher = new RealtimePublisher(bus, new ThrowingReporter());
      const streams = new ChatStreams(
        router,
        store.conversations,
        store.messages,
        store.contacts,
        store.blocks,
        new UserViewPolicy(store.contacts, store.blocks),
        new ConversationWatch(store.conversations, settings),
        settings,
        clock,
      );
      const opened: { stop(): Promise<void> }[] = [];
      try {
        const t = aTenantId();
        const [ada, bob] = await seedUsers(store, t, 2);
        const c = await store.conversations.create(aConversation(t), [
          { userId: ada.id, role: 'OWNER' },
          { userId: bob.id, role: 'MEMBER' },
        ]);
        // Stores and publishes a message, as SendMessages does.
        const send = async (append: ReturnType<typeof store.messages.append>) => {
          const { message, event } = await append;
          await publisher.toConversation({
            type: 'MESSAGE_ADDED',
            tenantId: t,
            conversationId: c.id,
            seq: event!.seq,
            message,
          });
          return message;
        };
        const open = (afterSeq: number) => {
          const items: StreamItem[] = [];
          const stream = streams.open(
            { tenantId: t, userId: bob.id, sessionId: 's' } as never,
            [{ conversationId: c.id, afterSeq }],
            (item) => items.push(item),
          );
          opened.push(stream);
          const bodies = () =>
            items.flatMap((i) =>
              i.kind === 'event' && i.event.type === 'MESSAGE_ADDED' ? [i.event.message.body] : [],
            );
          return { stream, bodies };
        };

        const live = open(0);
        await live.stream.started;
        await send(store.messages.append(aMessage(t, c.id, ada.id, { body: 'one' })));
        await until('one', () => live.bodies().includes('one'));

        // Ada's instance reserved seq 2 and recorded its entry; its commit stalls (a black hole
        // between it and the store) while Bob's instance stores and publishes seq 3.
        const stall = stallOnce(
          modelsOf(store.connection).messages,
          'findOneAndUpdate',
          (_filter, update) =>
            (update as { $set?: { seq?: unknown } } | undefined)?.$set?.seq !== undefined,
        );
        const late = send(store.messages.append(aMessage(t, c.id, ada.id, { body: 'late' })));
        await stall.reached;
        const three = await send(
          store.messages.append(aMessage(t, c.id, bob.id, { body: 'three' })),
        );
        expect(three.seq).toBe(3);
        await until('three held behind the hole', () => clock.pendingTimers > 0);
        expect(live.bodies()).toEqual(['one']);

        // The stream gives up on seq 2 and goes on; then the stalled write completes.
        clock.advance(HOLE_WAIT_MS);
        await until('three', () => live.bodies().includes('three'));
        stall.release();
        const message = await late;
        expect(message.seq).toBe(4);
        await until('the late message, live', () => live.bodies().includes('late'));
        expect(live.bodies()).toEqual(['one', 'three', 'late']);

        // A client that resumes with the cursor it had after 'three' gets it too.
        const resumed = open(3);
        await resumed.stream.started;
        expect(resumed.bodies()).toEqual(['late']);
      } finally {
        for (const s of opened) await s.stop();
        router.close();
        await store.cleanup();
      }
    });
  });

  describe('MongoStoreModule', () => {
    it('provides every port, creates the indexes at start, reports health and closes on shutdown', async () => {
      const dbName = uniqueDb();
      @Module({ imports: [MongoStoreModule.forRoot({ uri: mongo!.uri, dbName })] })
      class AppModule {}
      const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
      const health = app.get(MongoStoreHealth);
      let closed = false;
      try {
        expect(await health.isReady()).toBe(true);
        const t = aTenantId();
        const [u] = await seedUsers({ users: app.get(UserRepository) } as StoreUnderTest, t, 1);
        const conversation = await app
          .get(ConversationRepository)
          .create(aConversation(t), [{ userId: u.id, role: 'OWNER' }]);
        const sent = await app.get(MessageRepository).append(aMessage(t, conversation.id, u.id));
        expect(sent.message.seq).toBe(1);
        expect(await app.get(TenantRepository).findById('no-such-tenant')).toBeNull();
        // Indexes exist before the first request: the unique phone index refuses a second user.
        await expect(
          app.get(UserRepository).create(aUser(t, { phone: u.phone })),
        ).rejects.toMatchObject({
          code: 'CONFLICT',
        });
        // The thread and star ports are provided too, on their own collections.
        await app
          .get(ThreadFollowRepository)
          .follow(t, u.id, conversation.id, sent.message.id, new Date());
        expect(
          (await app.get(ThreadFollowRepository).listFollowed(t, u.id, null, 5)).map(
            (f) => f.rootId,
          ),
        ).toEqual([sent.message.id]);
        expect(
          await app.get(StarRepository).star({
            tenantId: t,
            userId: u.id,
            messageId: sent.message.id,
            conversationId: conversation.id,
            starredAt: new Date(),
          }),
        ).toBe(true);
        await app.close();
        closed = true;
        expect(await health.isReady()).toBe(false);
      } finally {
        if (!closed) await app.close();
      }
    });
  });

  describe('operations', () => {
    it('reports readiness until closed', async () => {
      const store = await openStore();
      expect(await store.isReady()).toBe(true);
      await store.cleanup();
      expect(await store.isReady()).toBe(false);
    });

    it.runIf(real)(
      'creates collections explicitly with autoCreate (real MongoDB only: the test engine lacks `create`)',
      async () => {
        const dbName = uniqueDb();
        const store = await createMongoStore(mongo!.uri, { dbName, autoCreate: true });
        try {
          const names = (await store.connection.listCollections()).map((c) => c.name);
          expect(names).toEqual(
            expect.arrayContaining(['messages', 'conversation_events', 'conversations']),
          );
        } finally {
          await store.connection.dropDatabase();
          await store.close();
        }
      },
    );
  });
});
