import { ConversationId, MessageId, TenantId, UserId } from '../../shared/ids';

/** A user's state in one thread: whether they follow it and how far they have read it. */
export interface ThreadFollow {
  tenantId: TenantId;
  userId: UserId;
  rootId: MessageId;
  conversationId: ConversationId;
  following: boolean;
  /** Seq of the latest reply they have read (0: none). */
  readSeq: number;
  /** When they last started following (newest first in the followed list). */
  followedAt: Date;
}

/** Where a page of followed threads continues (exclusive). */
export interface FollowedThreadsCursor {
  followedAt: Date;
  rootId: MessageId;
}

/** Per-user follow and read state of threads. Tenant-scoped. */
export abstract class ThreadFollowRepository {
  /**
   * Follows the thread (again); keeps the read state, raising it to `readSeq` when given (never
   * lowering it). `followedAt` moves only when the user was not following.
   */
  abstract follow(
    tenantId: TenantId,
    userId: UserId,
    conversationId: ConversationId,
    rootId: MessageId,
    at: Date,
    readSeq?: number,
  ): Promise<ThreadFollow>;
  /** Stops following; false when there was no follow state at all. */
  abstract unfollow(tenantId: TenantId, userId: UserId, rootId: MessageId): Promise<boolean>;
  /**
   * Raises the read pointer to `seq` (never lowers it), creating the state (not following) when
   * absent.
   */
  abstract markRead(
    tenantId: TenantId,
    userId: UserId,
    conversationId: ConversationId,
    rootId: MessageId,
    seq: number,
    at: Date,
  ): Promise<ThreadFollow>;
  /** The user's states for the roots that have one (any order). */
  abstract findMany(
    tenantId: TenantId,
    userId: UserId,
    rootIds: readonly MessageId[],
  ): Promise<ThreadFollow[]>;
  /** Threads the user follows, most recently followed first, after the cursor, at most `limit`. */
  abstract listFollowed(
    tenantId: TenantId,
    userId: UserId,
    after: FollowedThreadsCursor | null,
    limit: number,
  ): Promise<ThreadFollow[]>;
}
