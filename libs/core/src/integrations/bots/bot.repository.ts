import { TenantId, UserId } from '../../shared/ids';
import { Bot } from './bot';

/** Bot accounts of a tenant (the user rows are in `UserRepository`). */
export abstract class BotRepository {
  /** Throws DomainError CONFLICT when the id is taken. */
  abstract create(bot: Bot): Promise<Bot>;
  abstract findById(tenantId: TenantId, id: UserId): Promise<Bot | null>;
  /** The tenant's bots, oldest first. */
  abstract list(tenantId: TenantId): Promise<Bot[]>;
  /** Idempotent, keeps the first revocation time; null when there is no such bot. */
  abstract revoke(tenantId: TenantId, id: UserId, at: Date): Promise<Bot | null>;
}
