import { DomainError } from '../shared/domain-error';
import { RateLimiter } from './rate-limiter.port';

/** Consumes one unit or throws RATE_LIMITED with a retry hint. */
export async function enforceRateLimit(
  limiter: RateLimiter,
  key: string,
  rule: { limit: number; windowMs: number },
  what: string,
): Promise<void> {
  const decision = await limiter.consume(key, rule.limit, rule.windowMs);
  if (!decision.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new DomainError('RATE_LIMITED', `too many ${what}; retry in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}
