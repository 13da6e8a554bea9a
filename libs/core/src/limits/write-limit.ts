import { Actor } from '../shared/actor';
import { CoreSettings } from '../shared/settings';
import { enforceRateLimit } from './rate-limit';
import { RateLimiter } from './rate-limiter.port';

/** The key of a user's write budget: one per user of a tenant, whatever the change. */
export const writeLimitKey = (actor: Pick<Actor, 'tenantId' | 'userId'>): string =>
  `write:${actor.tenantId}:${actor.userId}`;

/**
 * Every change a user makes (messages, reactions, conversations and their members, contacts,
 * blocks, the profile) counts against one budget per user, `settings.writesPerUser`
 * (RATE_LIMITED beyond it), so no kind of change can be looped to flood the others' streams.
 */
export function enforceWriteLimit(
  limiter: RateLimiter,
  settings: CoreSettings,
  actor: Actor,
): Promise<void> {
  return enforceRateLimit(limiter, writeLimitKey(actor), settings.writesPerUser, 'changes');
}
