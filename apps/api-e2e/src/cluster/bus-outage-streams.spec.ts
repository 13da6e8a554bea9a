import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMongo, startNats, startRedis, TestMongo, TestService } from '@chatter/testing';
import {
  ApiProcess,
  appUser,
  Collector,
  newTenantSecret,
  ok,
  removeDataDir,
  sleep,
  startApi,
  wsClient,
} from '../support';
import { ofType, send, STREAM, type Ev } from '../realtime/realtime-helpers';

/**
 * A client that (re)connects while the bus is down: its new chatEvents stream cannot register
 * interest on the bus. The instance must stay up, the stream must start from the store at once,
 * and the client must get every message (sent before, during and after the outage) exactly once
 * and in order, once the bus is back.
 */
describe.each(['nats', 'redis'] as const)('a stream opened while the %s bus is down', (busKind) => {
  const secret = newTenantSecret();
  let mongo: TestMongo;
  let redis: TestService;
  let nats: TestService | null = null;
  let a: ApiProcess;
  let b: ApiProcess;
  const bus = () => (busKind === 'nats' ? nats! : redis);

  beforeAll(async () => {
    [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
    if (busKind === 'nats') nats = await startNats();
    const env = {
      MONGODB_URI: mongo.uri,
      REDIS_URL: redis.url,
      ...(busKind === 'nats' ? { NATS_URL: nats!.url, BUS: 'nats' } : { BUS: 'redis' }),
      JWT_SECRET: 'bus-outage-test-secret-0123456789abcdef',
      DEFAULT_TENANT_SECRET: secret,
      RECONCILE_INTERVAL_MS: '500',
    };
    a = await startApi(env);
    b = await startApi(env);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    [a, b].forEach((api) => api && removeDataDir(api));
    await Promise.all([mongo?.stop(), redis?.stop(), nats?.stop()]);
  });

  it('keeps the instance up, replays from the store at once and delivers everything once the bus is back', async () => {
    const ada = await appUser(a, 'Ada', secret);
    const bob = await appUser(b, 'Bob', secret);
    const conv = (
      await ok<{ createGroup: { id: string } }>(
        a,
        'mutation($m:[ID!]!){ createGroup(input:{title:"Outage", memberIds:$m}){ id } }',
        { m: [bob.userId] },
        ada.accessToken,
      )
    ).createGroup.id;
    const acknowledged: number[] = [];
    for (let i = 1; i <= 3; i++) acknowledged.push((await send(a, ada, conv, `before ${i}`)).seq);

    await bus().kill();
    await sleep(300);
    // The client reconnects during the outage (to either instance: both must survive it).
    const clients = [wsClient(b, bob.accessToken), wsClient(a, bob.accessToken)];
    const streams = clients.map(
      (c) => new Collector<Ev>(c, STREAM, { since: [{ conversationId: conv, afterSeq: 0 }] }),
    );
    const seqsOf = (s: Collector<Ev>) => ofType(s.items, 'MessageAdded').map((e) => e.seq!);
    for (const s of streams)
      await s.until(
        (items) => ofType(items, 'MessageAdded').length >= 3,
        10_000,
        'the replay from the store during the outage',
      );
    // Sends still work with NATS down (the store is the truth); with Redis down, the rate limiter is away too.
    if (busKind === 'nats')
      for (let i = 1; i <= 2; i++) acknowledged.push((await send(a, ada, conv, `during ${i}`)).seq);
    await sleep(500);
    expect(a.crash()).toBeNull();
    expect(b.crash()).toBeNull();
    expect(a.process.exitCode).toBeNull();
    expect(b.process.exitCode).toBeNull();

    await bus().restart();
    for (let i = 1; i <= 2; i++) acknowledged.push((await send(a, ada, conv, `after ${i}`)).seq);
    for (const s of streams)
      await s.until(
        (items) => ofType(items, 'MessageAdded').length >= acknowledged.length,
        20_000,
        'every acknowledged message',
      );
    await sleep(1_500); // anything duplicated would arrive meanwhile
    for (const s of streams) {
      expect(seqsOf(s)).toEqual(acknowledged);
      expect(s.errors).toEqual([]);
    }
    streams.forEach((s) => s.stop());
    await Promise.all(clients.map((c) => c.dispose()));
    // Both instances report ready again without a restart.
    for (const api of [a, b]) {
      const end = Date.now() + 15_000;
      while ((await fetch(`${api.url}/readyz`)).status !== 200 && Date.now() < end)
        await sleep(200);
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    }
  });
});
