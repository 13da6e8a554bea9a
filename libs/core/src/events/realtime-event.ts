import { ConversationId, TenantId, UserId } from '../shared/ids';
import { User } from '../identity/user';
import { Conversation } from '../messaging/conversation';
import { Message, MembershipChange } from '../messaging/message';
import { PresenceStatus } from './presence.port';
import { Attachment } from '../media/attachment';
import { CallSignal } from '../calls/call-signal';
import type { Report } from '../moderation/report';

/**
 * Events carried by the bus. Ordered ones carry their conversation seq. Each carries what
 * rendering it needs (the message, the conversation or the user as of the change), so turning
 * an event into a client payload reads nothing from the store; fields whose value depends on
 * the viewer are still resolved per viewer. Every part is bounded (capped text fields, no lists
 * of members), so a payload stays small.
 */
export type RealtimeEvent =
  | {
      type: 'MESSAGE_ADDED';
      tenantId: TenantId;
      conversationId: ConversationId;
      seq: number;
      message: Message;
    }
  | {
      type: 'MESSAGE_UPDATED';
      tenantId: TenantId;
      conversationId: ConversationId;
      seq: number;
      message: Message;
    }
  | {
      type: 'MEMBERSHIP_CHANGED';
      tenantId: TenantId;
      conversationId: ConversationId;
      seq: number;
      userId: UserId;
      change: MembershipChange;
      /** The conversation after the change (as of now when replayed from the log). */
      conversation: Conversation;
    }
  | {
      type: 'CONVERSATION_CHANGED';
      tenantId: TenantId;
      conversationId: ConversationId;
      seq: number;
      conversation: Conversation;
    }
  | {
      type: 'READ_RECEIPT';
      tenantId: TenantId;
      conversationId: ConversationId;
      userId: UserId;
      seq: number;
    }
  /**
   * A member's delivered pointer moved (a client of theirs acknowledged receipt up to `seq`).
   * Published in direct chats and groups, not in channels (an audience, not a conversation).
   */
  | {
      type: 'DELIVERY_RECEIPT';
      tenantId: TenantId;
      conversationId: ConversationId;
      userId: UserId;
      seq: number;
    }
  /**
   * Disappearing messages whose time was up were deleted (no tombstone is left): clients purge
   * them. `fromSeq`/`toSeq` bound their seqs. Not logged: a resuming client never gets them back,
   * and drops messages past their expiresAt itself.
   */
  | {
      type: 'MESSAGES_EXPIRED';
      tenantId: TenantId;
      conversationId: ConversationId;
      messageIds: string[];
      fromSeq: number;
      toSeq: number;
    }
  | {
      type: 'TYPING';
      tenantId: TenantId;
      conversationId: ConversationId;
      userId: UserId;
      typing: boolean;
      user: User;
    }
  /** Per-user: my own settings or read pointer of a conversation changed (other devices). */
  | {
      type: 'MEMBER_SETTINGS_CHANGED';
      tenantId: TenantId;
      conversationId: ConversationId;
      userId: UserId;
      conversation: Conversation;
    }
  /** Media processing finished (dimensions, thumbnail) or gave up (now a plain file). */
  | {
      type: 'ATTACHMENT_UPDATED';
      tenantId: TenantId;
      conversationId: ConversationId;
      attachment: Attachment;
    }
  | { type: 'SESSION_REVOKED'; tenantId: TenantId; userId: UserId; sessionId: string }
  /** Per-user: the user was suspended or banned; every stream of theirs closes. */
  | { type: 'ACCOUNT_SUSPENDED'; tenantId: TenantId; userId: UserId }
  /** Per-user: the user's blocks changed; streams re-evaluate presence and typing filters. */
  | { type: 'BLOCKS_CHANGED'; tenantId: TenantId; userId: UserId }
  /** Per-user: the user added (or removed) a contact; their streams follow the new contact's presence. */
  | {
      type: 'CONTACTS_CHANGED';
      tenantId: TenantId;
      userId: UserId;
      contactId: UserId;
      added: boolean;
    }
  | {
      type: 'PRESENCE';
      tenantId: TenantId;
      userId: UserId;
      status: PresenceStatus;
      lastSeenAt: Date | null;
      user: User;
    }
  /**
   * On the user's presence topic: who may see the user's presence changed (their privacy
   * setting, or a block either way). Watchers re-evaluate; one who can no longer see it is told
   * once, so it stops showing the old status.
   */
  | { type: 'PRESENCE_VISIBILITY'; tenantId: TenantId; userId: UserId; user: User }
  /** On the user's presence topic: their name, avatar or status text changed (the user as they now are). */
  | { type: 'PROFILE_CHANGED'; tenantId: TenantId; userId: UserId; user: User }
  /**
   * Per-user: the user followed, unfollowed or read a thread (on one device; their other devices
   * refresh the root's thread state). Not logged: it carries no seq.
   */
  | {
      type: 'THREAD_STATE_CHANGED';
      tenantId: TenantId;
      userId: UserId;
      conversationId: ConversationId;
      root: Message;
    }
  /** Per-user: a report the user made was resolved (the report with its outcome). */
  | { type: 'REPORT_RESOLVED'; tenantId: TenantId; userId: UserId; report: Report }
  /**
   * On a call party's user topic: a call signal for that user's devices, never logged (a
   * resuming client gets call history from the log, never a stale invite). `sessionId`: only
   * that device; `exceptSessionId`: every device but that one; both null: every device.
   */
  | {
      type: 'CALL';
      tenantId: TenantId;
      userId: UserId;
      sessionId: string | null;
      exceptSessionId: string | null;
      signal: CallSignal;
    };

export type OrderedRealtimeEvent = Extract<
  RealtimeEvent,
  { type: 'MESSAGE_ADDED' | 'MESSAGE_UPDATED' | 'MEMBERSHIP_CHANGED' | 'CONVERSATION_CHANGED' }
>;

export const isOrdered = (event: RealtimeEvent): event is OrderedRealtimeEvent =>
  event.type === 'MESSAGE_ADDED' ||
  event.type === 'MESSAGE_UPDATED' ||
  event.type === 'MEMBERSHIP_CHANGED' ||
  event.type === 'CONVERSATION_CHANGED';

const DATE_FIELDS = new Set([
  'createdAt',
  'updatedAt',
  'editedAt',
  'deletedAt',
  'lastSeenAt',
  'lastActivityAt',
  'joinedAt',
  'at',
  'expiresAt',
  'answeredAt',
  'endedAt',
  'resolvedAt',
]);

export const encodeEvent = (event: RealtimeEvent): string => JSON.stringify(event);

/**
 * Parses a bus payload, reviving dates; null for anything malformed. Dates are revived by one
 * walk over the parsed value rather than a JSON.parse reviver: a reviver is called back for
 * every value of the payload and makes the parse several times slower (this runs once per event
 * and topic on every instance).
 */
export function decodeEvent(payload: string): RealtimeEvent | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (
      value &&
      typeof value === 'object' &&
      typeof (value as { type?: unknown }).type === 'string'
    ) {
      reviveDates(value as Record<string, unknown>, 0);
      return value as RealtimeEvent;
    }
  } catch {
    // fall through
  }
  return null;
}

/** Events nest a few levels at most (event → message/conversation/user); deeper is not ours. */
const MAX_DATE_DEPTH = 8;

function reviveDates(value: Record<string, unknown> | unknown[], depth: number): void {
  if (depth > MAX_DATE_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value)
      if (item && typeof item === 'object') reviveDates(item as Record<string, unknown>, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v === 'string') {
      if (DATE_FIELDS.has(key)) value[key] = new Date(v);
    } else if (v && typeof v === 'object') {
      reviveDates(v as Record<string, unknown>, depth + 1);
    }
  }
}
