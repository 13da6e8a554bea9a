import { Clock, SystemClock } from '../shared/clock';
import { RateLimitDecision, RateLimiter } from '../limits/rate-limiter.port';
import { InMemoryBackend } from './in-memory-backend';

/** Calls between purges of expired entries, so abandoned keys do not accumulate. */
const PURGE_EVERY = 1000;

export interface InMemoryLimitsOptions {
  backend?: InMemoryBackend;
  clock?: Clock;
}

/** Fixed-window counters for embedded mode. */
export class InMemoryRateLimiter extends RateLimiter {
  private readonly backend: InMemoryBackend;
  private readonly clock: Clock;
  private calls = 0;

  constructor(options: InMemoryLimitsOptions = {}) {
    super();
    this.backend = options.backend ?? new InMemoryBackend();
    this.clock = options.clock ?? new SystemClock();
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const now = this.clock.now().getTime();
    if (++this.calls % PURGE_EVERY === 0) this.purge(now);
    let counter = this.backend.counters.get(key);
    if (!counter || counter.resetAt <= now) {
      counter = { count: 0, resetAt: now + windowMs };
      this.backend.counters.set(key, counter);
    }
    counter.count += 1;
    const allowed = counter.count <= limit;
    return {
      allowed,
      remaining: Math.max(0, limit - counter.count),
      retryAfterMs: allowed ? 0 : counter.resetAt - now,
    };
  }

  async reset(key: string): Promise<void> {
    this.backend.counters.delete(key);
  }

  private purge(now: number): void {
    for (const [key, counter] of this.backend.counters)
      if (counter.resetAt <= now) this.backend.counters.delete(key);
  }
}
