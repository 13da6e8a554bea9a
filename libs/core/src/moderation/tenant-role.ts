import { TenantId, UserId } from '../shared/ids';

/**
 * A user's standing in their tenant, beside (and independent of) their roles in conversations.
 * Operators (the `x-admin-token`, the CLI) are not tenant users and hold no tenant role; they
 * grant the first owner.
 */
export type TenantRole = 'OWNER' | 'ADMIN';

export const TENANT_ROLES: readonly TenantRole[] = ['OWNER', 'ADMIN'];

export interface TenantRoleGrant {
  tenantId: TenantId;
  userId: UserId;
  role: TenantRole;
  /** The tenant user who granted it; null when an operator did. */
  grantedBy: UserId | null;
  grantedAt: Date;
}
