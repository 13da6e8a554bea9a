import { TenantId, UserId } from '../shared/ids';
import { UserSanction } from './sanction';

/** Persistence of suspensions and bans. */
export abstract class SanctionRepository {
  /** The user's current sanction (in force or expired); null when none. */
  abstract find(tenantId: TenantId, userId: UserId): Promise<UserSanction | null>;
  /** Imposes a sanction, replacing the user's previous one (upsert on tenant and user). */
  abstract set(sanction: UserSanction): Promise<UserSanction>;
  /** Lifts the user's sanction; false when there was none. */
  abstract remove(tenantId: TenantId, userId: UserId): Promise<boolean>;
  /** The tenant's sanctions, most recent first (at most `limit`). */
  abstract list(tenantId: TenantId, limit: number): Promise<UserSanction[]>;
}
