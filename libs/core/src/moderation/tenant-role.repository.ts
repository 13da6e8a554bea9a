import { TenantId, UserId } from '../shared/ids';
import { TenantRole, TenantRoleGrant } from './tenant-role';

/** Persistence of tenant roles: at most one role per user of a tenant. */
export abstract class TenantRoleRepository {
  /** The user's role in the tenant; null when they have none. */
  abstract find(tenantId: TenantId, userId: UserId): Promise<TenantRoleGrant | null>;
  /** Grants or replaces the user's role (upsert on tenant and user). */
  abstract set(grant: TenantRoleGrant): Promise<TenantRoleGrant>;
  /** Takes the user's role away; false when they had none. */
  abstract remove(tenantId: TenantId, userId: UserId): Promise<boolean>;
  /** Every grant of the tenant (owners first, then admins; by user id within a role). */
  abstract list(tenantId: TenantId): Promise<TenantRoleGrant[]>;
  abstract countWithRole(tenantId: TenantId, role: TenantRole): Promise<number>;
}
