import { TenantId, UserId } from '../shared/ids';
import { ProfilePatch, User } from './user';

/** Users of one tenant; every method is scoped by tenant and never returns another tenant's user. */
export abstract class UserRepository {
  /** Throws DomainError CONFLICT when the phone or externalId is already used in the tenant. */
  abstract create(user: User): Promise<User>;
  abstract findById(tenantId: TenantId, id: UserId): Promise<User | null>;
  /** Users found, in no particular order; unknown ids are skipped. */
  abstract findByIds(tenantId: TenantId, ids: readonly UserId[]): Promise<User[]>;
  abstract findByPhone(tenantId: TenantId, phone: string): Promise<User | null>;
  abstract findByExternalId(tenantId: TenantId, externalId: string): Promise<User | null>;
  /** Applies the patch and sets updatedAt; null when the user does not exist. */
  abstract update(
    tenantId: TenantId,
    id: UserId,
    patch: ProfilePatch,
    at: Date,
  ): Promise<User | null>;
  abstract setLastSeen(tenantId: TenantId, id: UserId, at: Date): Promise<void>;
}
