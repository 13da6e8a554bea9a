import { ConversationId, MessageId, TenantId, UserId } from '../shared/ids';

export interface Message {
  id: MessageId;
  tenantId: TenantId;
  conversationId: ConversationId;
  /** The conversation seq of the event that added this message. */
  seq: number;
  senderId: UserId;
  clientMessageId: string;
  /** Null once deleted (tombstone). */
  body: string | null;
  replyToId: MessageId | null;
  /** Members the body mentions by `<@id>` token, as resolved when it was sent or last edited. */
  mentions: UserId[];
  /** Whether the body mentions everyone (`@all`, where the author may use it). */
  mentionsAll: boolean;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

export interface ReactionSummary {
  messageId: MessageId;
  emoji: string;
  count: number;
  /** Whether the viewer for whom the summary was computed reacted with this emoji. */
  mine: boolean;
}

/** Membership changes recorded in a conversation's log. */
export type MembershipChange = 'ADDED' | 'REMOVED' | 'LEFT' | 'ROLE_CHANGED';

/**
 * An entry of a conversation's ordered log. Every change a resuming client must see gets the
 * next seq of its conversation, assigned atomically with the change itself.
 */
export type LoggedEvent =
  | { kind: 'MESSAGE_ADDED'; seq: number; messageId: MessageId; at: Date }
  | { kind: 'MESSAGE_UPDATED'; seq: number; messageId: MessageId; at: Date }
  | { kind: 'MEMBERSHIP_CHANGED'; seq: number; userId: UserId; change: MembershipChange; at: Date }
  | { kind: 'CONVERSATION_CHANGED'; seq: number; at: Date };

export type LoggedEventInput =
  | { kind: 'MESSAGE_UPDATED'; messageId: MessageId }
  | { kind: 'MEMBERSHIP_CHANGED'; userId: UserId; change: MembershipChange }
  | { kind: 'CONVERSATION_CHANGED' };
