import { ConversationId, MessageId, TenantId, UserId } from '../shared/ids';
import type { MemberRole } from './conversation';
import type { CallSummary } from '../calls/call';

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
  /** Set on the message that records a call in the conversation's history (sent as the caller). */
  call: CallSummary | null;
  /**
   * The message this one replies to in a thread (one level: a root is never itself a reply).
   * Thread replies stay out of the main timeline. Absent or null: a timeline message.
   */
  threadRootId?: MessageId | null;
  /** Whether it was forwarded from another message (the origin is not kept). Absent: false. */
  forwarded?: boolean;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  /**
   * Set when the message was sent while its conversation had a disappearing-messages timer: from
   * then on nobody reads it (it is left out of every read at once) and the sweeper deletes it.
   */
  expiresAt: Date | null;
}

/** Whether a message has disappeared (its expiresAt has passed) at `now`. */
export const isExpired = (message: Pick<Message, 'expiresAt'>, now: Date): boolean =>
  message.expiresAt !== null && message.expiresAt.getTime() <= now.getTime();

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
  | ({ kind: 'MEMBERSHIP_CHANGED'; seq: number; at: Date } & MembershipDetails)
  | ({ kind: 'CONVERSATION_CHANGED'; seq: number; at: Date } & ConversationChangeDetails);

export type LoggedEventInput =
  | { kind: 'MESSAGE_UPDATED'; messageId: MessageId }
  | ({ kind: 'MEMBERSHIP_CHANGED' } & MembershipDetails)
  | ({ kind: 'CONVERSATION_CHANGED' } & ConversationChangeDetails);

/** Attributes of a conversation whose changes its log records (timeline lines). */
export type ConversationAttribute =
  | 'TITLE'
  | 'HISTORY_VISIBILITY'
  | 'DESCRIPTION'
  /** The disappearing-messages timer; the value is its seconds ('0' when turned off). */
  | 'DISAPPEARING';

/**
 * What a membership entry says. `actorId` (who made the change; absent in entries recorded
 * before it was kept) and `role` (the new role of a ROLE_CHANGED) are present only when known.
 */
export interface MembershipDetails {
  userId: UserId;
  change: MembershipChange;
  actorId?: UserId;
  role?: MemberRole;
}

/** What a conversation entry says: who changed which attribute to what, when known. */
export interface ConversationChangeDetails {
  actorId?: UserId;
  attribute?: ConversationAttribute;
  /** The new value (a title, a visibility, a description; '' for a cleared description). */
  value?: string;
}

/** The log entries that become lines in the timeline (everything but messages). */
export type NoticeEvent = Extract<
  LoggedEvent,
  { kind: 'MEMBERSHIP_CHANGED' } | { kind: 'CONVERSATION_CHANGED' }
>;
