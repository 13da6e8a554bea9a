import { Actor } from '../shared/actor';
import { CoreSettings } from '../shared/settings';
import { enforceRateLimit } from './rate-limit';
import { RateLimiter } from './rate-limiter.port';

/**
 * Searches and member pages share one budget per user (RATE_LIMITED beyond it): each is a scan
 * or renders many users, so a loop of them must not take the store from everyone else.
 */
export function enforceExpensiveReadLimit(
  limiter: RateLimiter,
  settings: CoreSettings,
  actor: Actor,
): Promise<void> {
  return enforceRateLimit(
    limiter,
    `read:${actor.tenantId}:${actor.userId}`,
    settings.expensiveReadsPerUser,
    'searches and member lists',
  );
}
