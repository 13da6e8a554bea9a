import { randomBytes } from 'node:crypto';
import { JobHandler, NotificationJob } from '@chatter/core';
import { TestService, eventually, requireService, startRedis } from '@chatter/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from './redis-connection';
import { RedisNotificationQueue } from './redis-notification-queue';

const hasRedis = requireService('redis', 'the Redis Streams notification queue');

const testJob = (n: number): NotificationJob => ({
  kind: 'TEST',
  tenantId: 't',
  recipientId: 'u',
  deviceId: `d${n}`,
  sentAt: new Date(0).toISOString(),
});

describe.skipIf(!hasRedis)('RedisNotificationQueue (Redis Streams consumer group)', () => {
  let redis: TestService;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const c of open.splice(0).reverse()) await c.close().catch(() => undefined);
  });

  /** Two instances' queues on one Redis, under a key prefix of this test. */
  const twoInstances = async (ackWaitMs = 30_000) => {
    const keyPrefix = `chatter-test:${randomBytes(6).toString('hex')}:`;
    const make = async (name: string) => {
      const connection = await RedisConnection.connect(redis.url, { keyPrefix, name });
      const queue = new RedisNotificationQueue(connection, { ackWaitMs, pollMs: 50 });
      open.push(connection, queue);
      return { connection, queue };
    };
    return { a: await make('a'), b: await make('b') };
  };

  it('hands each job to one instance once, due jobs at once and delayed ones when due', async () => {
    const { a, b } = await twoInstances();
    const seen: { by: string; device: string; at: number }[] = [];
    const handler =
      (by: string): JobHandler =>
      async (job) => {
        if (job.kind === 'TEST') seen.push({ by, device: job.deviceId, at: Date.now() });
        return 'DONE';
      };
    a.queue.consume(handler('a'));
    b.queue.consume(handler('b'));
    const start = Date.now();
    for (let i = 0; i < 20; i++) await a.queue.enqueue(`job-${i}`, testJob(i), new Date());
    // The same id again is not queued twice.
    await b.queue.enqueue('job-3', testJob(3), new Date());
    await a.queue.enqueue('later', testJob(99), new Date(start + 400));
    await eventually(() => expect(seen.length).toBe(21), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toHaveLength(21);
    expect(new Set(seen.map((s) => s.device)).size).toBe(21);
    expect(seen.find((s) => s.device === 'd99')!.at).toBeGreaterThanOrEqual(start + 400);
  });

  it('retries a job that asked for it with the attempt number, after a backoff', async () => {
    const { a } = await twoInstances();
    const attempts: number[] = [];
    a.queue.consume(async (_job, attempt) => {
      attempts.push(attempt);
      return attempt === 1 ? 'RETRY' : 'DONE';
    });
    await a.queue.enqueue('retry-me', testJob(1), new Date());
    await eventually(() => expect(attempts.length).toBe(2), 10_000);
    expect(attempts).toEqual([1, 2]);
  });

  it('a job left unacknowledged by a dead instance is claimed by another', async () => {
    const { a, b } = await twoInstances(600);
    const handledByB: string[] = [];
    let aTook = 0;
    // Instance a takes the job and never finishes it (it hangs, then is gone).
    a.queue.consume(async () => {
      aTook++;
      return new Promise<'DONE'>(() => undefined);
    });
    await a.queue.enqueue('orphan', testJob(7), new Date());
    await eventually(() => expect(aTook).toBe(1), 10_000);
    // While a lives, it keeps the job claimed: nobody else takes it.
    b.queue.consume(async (job) => {
      if (job.kind === 'TEST') handledByB.push(job.deviceId);
      return 'DONE';
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(handledByB).toEqual([]);
    expect(aTook).toBe(1);
    // a dies (its timers and reader stop; the job stays unacknowledged): b claims it.
    await a.queue.close();
    await eventually(() => expect(handledByB.length).toBe(1), 10_000);
    expect(handledByB).toEqual(['d7']);
  });
});
