import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMongo, startNats, startRedis, TestMongo, TestService } from '@chatter/testing';
import { ApiProcess, ok, Session, signUp, sleep, startApi } from '../support';

/**
 * Scheduled messages over two API instances sharing the MongoDB-compatible store, Redis and NATS:
 * both run the scheduler, each due message is claimed by one of them (findOneAndUpdate with a
 * lease), so every message is sent exactly once.
 */
describe('scheduled messages in a cluster', () => {
  let mongo: TestMongo;
  let redis: TestService;
  let nats: TestService;
  let a: ApiProcess;
  let b: ApiProcess;

  const env = () => ({
    MONGODB_URI: mongo.uri,
    REDIS_URL: redis.url,
    NATS_URL: nats.url,
    BUS: 'nats',
    JWT_SECRET: 'cluster-scheduled-secret-0123456789abcdef',
    SCHEDULER_INTERVAL_MS: '100',
  });

  beforeAll(async () => {
    [mongo, redis, nats] = await Promise.all([startMongo(), startRedis(), startNats()]);
    // One after the other: each instance creates the store's indexes at start, and with both
    // starting together against the MongoDB test engine, about one start in six failed in
    // `createIndex` with E11000 on the general channel's unique key (two copies had been written
    // while the index was being created again; MongoDB itself treats creating an existing index
    // as a no-op, so this is the engine's, not a cluster behaviour under test here).
    a = await startApi(env());
    b = await startApi(env());
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a, b].map((i) => i?.stop()));
    await Promise.all([mongo?.stop(), redis?.stop(), nats?.stop()]);
  });

  it('sends each due message once although both instances look for due messages', async () => {
    const ada = await signUp(a, 'Ada');
    const bob = await signUp(b, 'Bob');
    const group = (
      await ok<{ createGroup: { id: string } }>(
        a,
        'mutation($m:[ID!]!){ createGroup(input:{title:"Cluster later", memberIds:$m}){ id } }',
        { m: [bob.userId] },
        ada.accessToken,
      )
    ).createGroup.id;
    const sendAt = new Date(Date.now() + 3_000).toISOString();
    const keys: string[] = [];
    for (let i = 0; i < 12; i++) {
      const k = `cluster-${i}-${Date.now().toString(36)}`;
      keys.push(k);
      await ok(
        i % 2 ? a : b,
        'mutation($c:ID!,$k:String!,$b:String!,$t:DateTime!){ scheduleMessage(input:{conversationId:$c, clientMessageId:$k, body:$b, sendAt:$t}){ id } }',
        { c: group, k, b: `later ${i}`, t: sendAt },
        ada.accessToken,
      );
    }
    const history = async (who: Session) =>
      (
        await ok<{
          messages: { edges: { node: { clientMessageId: string | null; body: string } }[] };
        }>(
          a,
          'query($c:ID!){ messages(conversationId:$c, last:100){ edges { node { clientMessageId body } } } }',
          { c: group },
          who.accessToken,
        )
      ).messages.edges.map((e) => e.node);
    const until = Date.now() + 30_000;
    while ((await history(ada)).length < keys.length && Date.now() < until) await sleep(250);
    await sleep(1_000);
    const sent = await history(ada);
    expect(sent.map((m) => m.clientMessageId).sort()).toEqual([...keys].sort());
    expect(
      (
        await ok<{ scheduledMessages: unknown[] }>(
          b,
          '{ scheduledMessages { id } }',
          {},
          ada.accessToken,
        )
      ).scheduledMessages,
    ).toEqual([]);
  }, 90_000);
});
