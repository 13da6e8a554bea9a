import { Page, PageRequest } from '../shared/page';
import { TenantId, UserId } from '../shared/ids';

export interface Contact {
  ownerId: UserId;
  contactId: UserId;
  createdAt: Date;
}

/** Per-user address books. */
export abstract class ContactRepository {
  /** Idempotent; returns true when the contact was new. */
  abstract add(tenantId: TenantId, ownerId: UserId, contactId: UserId, at: Date): Promise<boolean>;
  /** Returns true when a contact was removed. */
  abstract remove(tenantId: TenantId, ownerId: UserId, contactId: UserId): Promise<boolean>;
  abstract isContact(tenantId: TenantId, ownerId: UserId, contactId: UserId): Promise<boolean>;
  /** The owner's contacts, oldest first, by opaque cursor. */
  abstract list(tenantId: TenantId, ownerId: UserId, page: PageRequest): Promise<Page<Contact>>;
  /** Up to `limit` contact ids of the owner (presence fan-in). */
  abstract listIds(tenantId: TenantId, ownerId: UserId, limit: number): Promise<UserId[]>;
  /**
   * Both directions between one user and many others, in one read: `contacts` are the others
   * in `userId`'s contacts, `contactOf` the others who have `userId` in theirs.
   */
  abstract relationsAmong(
    tenantId: TenantId,
    userId: UserId,
    others: readonly UserId[],
  ): Promise<ContactRelations>;
}

export interface ContactRelations {
  contacts: Set<UserId>;
  contactOf: Set<UserId>;
}

export interface BlockRelations {
  /** Others whom the user blocked. */
  blocked: Set<UserId>;
  /** Others who blocked the user. */
  blockedBy: Set<UserId>;
}

/** Who blocked whom. */
export abstract class BlockRepository {
  /** Idempotent; returns true when the block is new. */
  abstract block(
    tenantId: TenantId,
    blockerId: UserId,
    blockedId: UserId,
    at: Date,
  ): Promise<boolean>;
  abstract unblock(tenantId: TenantId, blockerId: UserId, blockedId: UserId): Promise<boolean>;
  /** True when either user blocked the other. */
  abstract isBlockedEitherWay(tenantId: TenantId, a: UserId, b: UserId): Promise<boolean>;
  /** True when `blockerId` blocked `blockedId`. */
  abstract hasBlocked(tenantId: TenantId, blockerId: UserId, blockedId: UserId): Promise<boolean>;
  /** Ids the blocker blocked, newest first, at most 1000. */
  abstract listBlocked(tenantId: TenantId, blockerId: UserId): Promise<UserId[]>;
  /** Blocks in both directions between one user and many others, in one read. */
  abstract blocksAmong(
    tenantId: TenantId,
    userId: UserId,
    others: readonly UserId[],
  ): Promise<BlockRelations>;
}
