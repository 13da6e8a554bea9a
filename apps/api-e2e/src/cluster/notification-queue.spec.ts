import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalPushService,
  startMongo,
  startNats,
  startRedis,
  TestMongo,
  TestService,
} from '@chatter/testing';
import { ApiProcess, appUser, ok, startApi } from '../support';
import { Pushed, registerDevice, sendText } from '../notifications/notification-helpers';
import { openDm } from '../messaging/messaging-helpers';

/**
 * Two instances share a work queue for notifications (a JetStream work-queue stream, or a Redis
 * stream with one consumer group on a Redis-bus cluster) and a delivery ledger in Redis. A
 * burst of messages is sent through both; one instance is killed while pushes are in flight.
 * Every expected push (each message to each device) arrives exactly once: a job redelivered
 * after its instance sent it is found in the ledger and not pushed again. The one exception is a
 * push the service accepted whose answer never reached the killed instance: that one may be sent
 * again, with the same Topic, so the push service replaces it (nothing visible).
 */
describe.each([
  ['nats', 'a JetStream work queue'],
  ['redis', 'a Redis Streams consumer group'],
] as const)('notifications in a cluster (NOTIFY_QUEUE=%s): %s', (queue, _kind) => {
  let mongo: TestMongo;
  let redis: TestService;
  let nats: TestService;
  const service = new LocalPushService();
  const secret = randomBytes(24).toString('hex');
  const instances: ApiProcess[] = [];
  // Every instance shares one VAPID pair from configuration.
  const ecdh = createECDH('prime256v1');
  // A private key with a leading zero byte comes out shorter: draw again.
  do ecdh.generateKeys();
  while (ecdh.getPrivateKey().length !== 32);
  const vapid = {
    publicKey: ecdh.getPublicKey().toString('base64url'),
    privateKey: ecdh.getPrivateKey().toString('base64url'),
  };

  const launch = async () => {
    const api = await startApi({
      MONGODB_URI: mongo.uri,
      REDIS_URL: redis.url,
      NATS_URL: nats.url,
      BUS: queue === 'redis' ? 'redis' : 'nats',
      NOTIFY_QUEUE: queue,
      JWT_SECRET: 'cluster-notify-secret-0123456789abcdef',
      DEFAULT_TENANT_SECRET: secret,
      PUSH_ALLOW_HTTP_ENDPOINTS: 'true',
      PUSH_ALLOW_PRIVATE_RANGES: '127.0.0.0/8',
      NOTIFY_DELAY_SECONDS: '0',
      NOTIFY_QUEUE_ACK_WAIT_MS: '2000',
      // A claim in the delivery ledger lapses after 2 × this + 5 s.
      PUSH_TIMEOUT_MS: '2000',
      SENDS_PER_USER: '1000',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
    });
    instances.push(api);
    return api;
  };

  beforeAll(async () => {
    [mongo, redis, nats] = await Promise.all([startMongo(), startRedis(), startNats()]);
    await service.start();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop().catch(() => undefined)));
    await service.stop();
    await Promise.all([mongo?.stop(), redis?.stop(), nats?.stop()]);
  });

  it('every push of a burst arrives exactly once when an instance dies mid-send', async () => {
    const [a, b] = [await launch(), await launch()];
    const user = async (api: ApiProcess, name: string) => {
      const s = await appUser(api, name, secret);
      return { token: s.accessToken, id: s.userId, name };
    };
    const ada = await user(a, 'Ada');
    const bob = await user(b, 'Bob');
    expect(
      (await ok<{ vapidPublicKey: string }>(a, '{ vapidPublicKey }', {}, ada.token)).vapidPublicKey,
    ).toBe(vapid.publicKey);
    service.expectedVapidKey = vapid.publicKey;
    const phone = await registerDevice(b, service, bob, 'phone');
    const laptop = await registerDevice(a, service, bob, 'laptop');
    const dm = await openDm(a, ada, bob);
    service.responseDelayMs = 300;

    // The burst goes out at once through the instance that stays; the queue spreads the pushes
    // over both. One instance is killed once pushes are flowing (some of them in flight on it).
    const sending = Promise.all(
      Array.from({ length: 24 }, (_, i) => sendText(b, ada, dm, `burst ${i}`)),
    );
    await service
      .waitFor(() => service.received.length >= 8, 30_000)
      .catch((error: unknown) => {
        throw new Error(
          `${String(error)}; received ${service.received.length}, refused ${JSON.stringify(service.refused)}\n${a.output().slice(-3000)}\n${b.output().slice(-3000)}`,
        );
      });
    await a.kill();
    const killedAt = Date.now();
    const atKill = service.received.length;
    const sent = (await sending).map((m) => m.id);
    // The kill came mid-burst: pushes were still to be sent.
    expect(atKill).toBeLessThan(2 * sent.length);

    const ids = (sub: { id: string }) =>
      service.payloadsFor<Pushed>(sub.id).map((p) => p.messageId!);
    await service.waitFor(
      () => [phone, laptop].every((d) => sent.every((m) => ids(d).includes(m))),
      60_000,
    );
    // Jobs redelivered after the kill have been handled (their ledger claims lapsed meanwhile).
    await new Promise((r) => setTimeout(r, 12_000));
    for (const device of [phone, laptop]) {
      const got = ids(device);
      expect(new Set(got)).toEqual(new Set(sent));
      // A repeat only where the killed instance may not have recorded the push as sent: the
      // service's answer never reached it, or it came in the last moment before the kill.
      const lost = [
        ...service.unanswered,
        ...service.received.filter((x) => x.at.getTime() >= killedAt - 1_000),
      ]
        .filter((x) => x.subscriptionId === device.id && x.at.getTime() <= killedAt)
        .map((x) => (JSON.parse(x.text) as Pushed).messageId!);
      for (const id of sent) {
        const times = got.filter((x) => x === id).length;
        expect(times, `pushes of ${id}`).toBeLessThanOrEqual(
          1 + lost.filter((x) => x === id).length,
        );
      }
      const topics = new Map<string, Set<string | null>>();
      for (const r of service.received.filter((x) => x.subscriptionId === device.id)) {
        const id = (JSON.parse(r.text) as Pushed).messageId!;
        topics.set(id, (topics.get(id) ?? new Set()).add(r.topic));
      }
      for (const set of topics.values()) expect(set.size).toBe(1);
    }
    // The kill came while pushes were in flight on it, and all of it was still delivered.
    expect(service.unanswered.length).toBeLessThanOrEqual(8);
    expect(service.refused).toEqual([]);
  }, 120_000);
});
