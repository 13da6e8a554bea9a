import { ConversationId, MessageId, TenantId, UserId } from '../../shared/ids';

/** A message a user starred (private to them). */
export interface Star {
  tenantId: TenantId;
  userId: UserId;
  messageId: MessageId;
  conversationId: ConversationId;
  starredAt: Date;
}

/** Where a page of stars continues (exclusive). */
export interface StarCursor {
  starredAt: Date;
  messageId: MessageId;
}

/** Per-user starred messages. Tenant-scoped. */
export abstract class StarRepository {
  /** Stars the message; false (and nothing changes) when it was already starred. */
  abstract star(star: Star): Promise<boolean>;
  /** Removes the star; false when there was none. */
  abstract unstar(tenantId: TenantId, userId: UserId, messageId: MessageId): Promise<boolean>;
  /** Which of the messages the user starred. */
  abstract starredAmong(
    tenantId: TenantId,
    userId: UserId,
    messageIds: readonly MessageId[],
  ): Promise<Set<MessageId>>;
  /** The user's stars, newest first, after the cursor, at most `limit`. */
  abstract list(
    tenantId: TenantId,
    userId: UserId,
    after: StarCursor | null,
    limit: number,
  ): Promise<Star[]>;
}
