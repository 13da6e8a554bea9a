import { DomainError } from '../shared/domain-error';
import { RateLimiter } from './rate-limiter.port';

/** Consumes one unit or throws RATE_LIMITED with a retry hint. */
export async function enforceRateLimit(
  limiter: RateLimiter,
  key: string,
  rule: { limit: number; windowMs: number },
  what: string,
): Promise<void> {
  let decision;
  try {
    decision = await limiter.consume(key, rule.limit, rule.windowMs);
  } catch (error) {
    // While the shared limiter (Redis) is unreachable, chat degrades instead of stopping:
    // the request goes through un-counted. Login codes themselves still need the store.
    if (error instanceof DomainError && error.code === 'UNAVAILABLE') return;
    throw error;
  }
  if (!decision.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new DomainError('RATE_LIMITED', `too many ${what}; retry in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}
