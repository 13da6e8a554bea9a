import { createHash, timingSafeEqual } from 'node:crypto';
import {
  addressGroup,
  CoreSettings,
  DomainError,
  enforceRateLimit,
  RateLimiter,
} from '@chatter/core';
import { GqlContext } from './gql-context';

/**
 * Checks the operator credential (`x-admin-token`). Every attempt counts per client address
 * (IPv6 by /64), right token or wrong: no brute force.
 */
export async function authorizeOperator(
  ctx: GqlContext,
  adminToken: string | null,
  limiter: RateLimiter,
  core: CoreSettings,
): Promise<void> {
  await enforceRateLimit(
    limiter,
    `admin:ip:${addressGroup(ctx.clientIp)}`,
    core.adminPerIp,
    'operator requests from this address',
  );
  if (!adminToken)
    throw new DomainError('FORBIDDEN', 'the admin API is disabled (ADMIN_TOKEN is not set)');
  const a = createHash('sha256')
    .update(ctx.adminToken ?? '')
    .digest();
  const b = createHash('sha256').update(adminToken).digest();
  if (!timingSafeEqual(a, b)) throw new DomainError('FORBIDDEN', 'admin token required');
}
