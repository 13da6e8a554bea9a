import { describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock';
import { InProcessNotificationQueue } from './in-process-notification-queue';
import { MAX_JOB_ATTEMPTS, NotificationJob, retryDelayMs } from './notification-queue.port';

const job = (deviceId: string): NotificationJob => ({
  kind: 'TEST',
  tenantId: 't',
  recipientId: 'u',
  deviceId,
  sentAt: '2026-01-01T00:00:00.000Z',
});

/** Lets the handler's promise chain settle after timers ran. */
const settle = () => new Promise((r) => setImmediate(r));

describe('InProcessNotificationQueue', () => {
  it('runs a job when due, once per id while pending', async () => {
    const clock = new ManualClock(0);
    const queue = new InProcessNotificationQueue(clock);
    const seen: string[] = [];
    queue.consume(async (j) => {
      seen.push((j as { deviceId: string }).deviceId);
      return 'DONE';
    });
    await queue.enqueue('a', job('a'), new Date(5_000));
    await queue.enqueue('a', job('a'), new Date(5_000));
    await queue.enqueue('b', job('b'), new Date(1_000));
    clock.advance(4_999);
    await settle();
    expect(seen).toEqual(['b']);
    clock.advance(1);
    await settle();
    expect(seen).toEqual(['b', 'a']);
    expect(queue.size).toBe(0);
  });

  it('retries with exponential backoff, then gives up and reports the job dead', async () => {
    const clock = new ManualClock(0);
    const dead: unknown[] = [];
    const queue = new InProcessNotificationQueue(clock, (_j, e) => dead.push(e));
    const attempts: number[] = [];
    queue.consume(async (_j, attempt) => {
      attempts.push(clock.now().getTime());
      if (attempt === 2) return 'RETRY';
      throw new Error(`attempt ${attempt}`);
    });
    await queue.enqueue('x', job('x'), new Date(0));
    // 2 + 4 + 8 + 16 + 32 s of backoff fit in 120 one-second steps.
    for (let i = 0; i < 120; i++) {
      clock.advance(1_000);
      await settle();
    }
    expect(attempts).toHaveLength(MAX_JOB_ATTEMPTS);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    // The clock moves in one-second steps, so each gap is its delay plus at most one step.
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(retryDelayMs(i + 1));
      expect(gap).toBeLessThanOrEqual(retryDelayMs(i + 1) + 1_000);
    });
    expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));
    expect(dead).toEqual([new Error(`attempt ${MAX_JOB_ATTEMPTS}`)]);
    expect(queue.size).toBe(0);
  });

  it('keeps jobs queued before a consumer starts, and drops everything on close', async () => {
    const clock = new ManualClock(0);
    const queue = new InProcessNotificationQueue(clock);
    await queue.enqueue('early', job('early'), new Date(0));
    const seen: string[] = [];
    queue.consume(async (j) => {
      seen.push((j as { deviceId: string }).deviceId);
      return 'DONE';
    });
    clock.advance(0);
    await settle();
    expect(seen).toEqual(['early']);
    await queue.enqueue('late', job('late'), new Date(10));
    await queue.close();
    clock.advance(100);
    await settle();
    expect(seen).toEqual(['early']);
  });
});
