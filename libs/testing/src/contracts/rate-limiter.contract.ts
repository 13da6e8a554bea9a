import { RateLimiter } from '@chatter/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep, uniqueToken } from './realtime-test-helpers';

/** Two limiters on one backend (`limiterB` plays another instance). */
export interface RateLimiterUnderTest {
  limiter: RateLimiter;
  limiterB: RateLimiter;
  cleanup(): Promise<void>;
}

/** The RateLimiter contract (fixed windows, real time: windows are a few hundred ms). */
export function rateLimiterContract(name: string, make: () => Promise<RateLimiterUnderTest>): void {
  describe(`${name} (RateLimiter contract)`, () => {
    let limiter: RateLimiter;
    let limiterB: RateLimiter;
    let cleanup: () => Promise<void>;
    const key = () => uniqueToken('rl:');

    beforeEach(async () => {
      ({ limiter, limiterB, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('allows `limit` calls per window, counting down, then refuses with a retry hint', async () => {
      const k = key();
      for (let i = 1; i <= 3; i++) {
        expect(await limiter.consume(k, 3, 60_000)).toEqual({
          allowed: true,
          remaining: 3 - i,
          retryAfterMs: 0,
        });
      }
      const refused = await limiter.consume(k, 3, 60_000);
      expect(refused.allowed).toBe(false);
      expect(refused.remaining).toBe(0);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    });

    it('shares the count between instances', async () => {
      const k = key();
      expect((await limiter.consume(k, 2, 60_000)).allowed).toBe(true);
      expect(await limiterB.consume(k, 2, 60_000)).toEqual({
        allowed: true,
        remaining: 0,
        retryAfterMs: 0,
      });
      expect((await limiter.consume(k, 2, 60_000)).allowed).toBe(false);
      expect((await limiterB.consume(k, 2, 60_000)).allowed).toBe(false);
    });

    it('keeps keys apart', async () => {
      const [a, b] = [key(), key()];
      expect((await limiter.consume(a, 1, 60_000)).allowed).toBe(true);
      expect((await limiter.consume(a, 1, 60_000)).allowed).toBe(false);
      expect((await limiterB.consume(b, 1, 60_000)).allowed).toBe(true);
    });

    it('starts a new window when the old one ends', async () => {
      const k = key();
      expect((await limiter.consume(k, 1, 300)).allowed).toBe(true);
      const refused = await limiterB.consume(k, 1, 300);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
      await sleep(refused.retryAfterMs + 50);
      expect(await limiterB.consume(k, 1, 300)).toEqual({
        allowed: true,
        remaining: 0,
        retryAfterMs: 0,
      });
      expect((await limiter.consume(k, 1, 300)).allowed).toBe(false);
    });

    it('forgets a key on reset, for every instance', async () => {
      const k = key();
      await limiter.consume(k, 1, 60_000);
      expect((await limiterB.consume(k, 1, 60_000)).allowed).toBe(false);
      await limiterB.reset(k);
      expect(await limiter.consume(k, 1, 60_000)).toEqual({
        allowed: true,
        remaining: 0,
        retryAfterMs: 0,
      });
      await limiter.reset(key()); // unknown keys are fine
    });

    it('is atomic: of 200 concurrent calls across instances, exactly `limit` pass', async () => {
      const k = key();
      const decisions = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? limiter : limiterB).consume(k, 50, 60_000)),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
      expect(new Set(decisions.filter((d) => d.allowed).map((d) => d.remaining)).size).toBe(50);
      expect(
        decisions.filter((d) => !d.allowed).every((d) => d.remaining === 0 && d.retryAfterMs > 0),
      ).toBe(true);
    });
  });
}
