import { describe, expect, it } from 'vitest';
import { Clock } from '../shared/clock';
import { InMemoryBackend } from './in-memory-backend';
import { InMemoryRateLimiter } from './in-memory-rate-limiter';

class ManualClock extends Clock {
  constructor(public ms: number) {
    super();
  }
  now(): Date {
    return new Date(this.ms);
  }
}

describe('InMemoryRateLimiter', () => {
  it('uses the injected clock for windows and retry hints', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new InMemoryRateLimiter({ clock });
    await limiter.consume('k', 1, 10_000);
    clock.ms += 4000;
    expect(await limiter.consume('k', 1, 10_000)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterMs: 6000,
    });
    clock.ms += 6000;
    expect((await limiter.consume('k', 1, 10_000)).allowed).toBe(true);
  });

  it('purges expired windows of abandoned keys', async () => {
    const clock = new ManualClock(0);
    const backend = new InMemoryBackend();
    const limiter = new InMemoryRateLimiter({ backend, clock });
    for (let i = 0; i < 999; i++) await limiter.consume(`k${i}`, 1, 100);
    expect(backend.counters.size).toBe(999);
    clock.ms = 1000;
    await limiter.consume('fresh', 1, 100);
    expect([...backend.counters.keys()]).toEqual(['fresh']);
  });
});
