import {
  channelNameKey,
  Conversation,
  ConversationAttribute,
  ConversationKind,
  HistoryVisibility,
  LoggedEvent,
  Member,
  MemberRole,
  MembershipChange,
  MentionAllPolicy,
} from '@chatter/core';
import { fromMs, toMs } from '../time';

export interface ConversationRow {
  tenant_id: string;
  id: string;
  kind: ConversationKind;
  title: string | null;
  title_folded: string | null;
  unique_key: string | null;
  last_seq: number;
  last_message_id: string | null;
  last_activity_at: number;
  member_count: number;
  history_visibility: HistoryVisibility;
  mention_all: MentionAllPolicy;
  description: string | null;
  disappear_after_seconds: number | null;
  channel_name_key: string | null;
  created_by: string | null;
  created_at: number;
}

export interface MemberRow {
  tenant_id: string;
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  joined_at: number;
  history_from_seq: number;
  read_seq: number;
  delivered_seq: number;
  muted: number;
  pinned: number;
  archived: number;
}

export interface EventRow {
  seq: number;
  kind: LoggedEvent['kind'];
  message_id: string | null;
  user_id: string | null;
  change: MembershipChange | null;
  at: number;
  actor_id: string | null;
  role: MemberRole | null;
  attribute: ConversationAttribute | null;
  value: string | null;
}

/** Case folding for title search; done in JS because SQLite's lower() only folds ASCII. */
export const foldTitle = (title: string | null): string | null =>
  title === null ? null : title.toLowerCase();

/** A channel's unique-name key; other kinds have none. */
export const nameKeyOf = (kind: ConversationKind, title: string | null): string | null =>
  kind === 'CHANNEL' && title !== null ? channelNameKey(title) : null;

export const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  tenantId: row.tenant_id,
  kind: row.kind,
  title: row.title,
  uniqueKey: row.unique_key,
  lastSeq: row.last_seq,
  lastMessageId: row.last_message_id,
  lastActivityAt: fromMs(row.last_activity_at),
  memberCount: row.member_count,
  historyVisibility: row.history_visibility,
  mentionAll: row.mention_all,
  description: row.description,
  disappearAfterSeconds: row.disappear_after_seconds ?? null,
  createdBy: row.created_by,
  createdAt: fromMs(row.created_at),
});

export const fromConversation = (c: Conversation): ConversationRow => ({
  tenant_id: c.tenantId,
  id: c.id,
  kind: c.kind,
  title: c.title,
  title_folded: foldTitle(c.title),
  unique_key: c.uniqueKey,
  last_seq: c.lastSeq,
  last_message_id: c.lastMessageId,
  last_activity_at: toMs(c.lastActivityAt),
  member_count: c.memberCount,
  history_visibility: c.historyVisibility,
  mention_all: c.mentionAll,
  description: c.description,
  disappear_after_seconds: c.disappearAfterSeconds,
  channel_name_key: nameKeyOf(c.kind, c.title),
  created_by: c.createdBy,
  created_at: toMs(c.createdAt),
});

export const toMember = (row: MemberRow): Member => ({
  tenantId: row.tenant_id,
  conversationId: row.conversation_id,
  userId: row.user_id,
  role: row.role,
  joinedAt: fromMs(row.joined_at),
  historyFromSeq: row.history_from_seq,
  readSeq: row.read_seq,
  deliveredSeq: row.delivered_seq,
  muted: row.muted === 1,
  pinned: row.pinned === 1,
  archived: row.archived === 1,
});

const required = <T>(value: T | null, what: string): T => {
  if (value === null) throw new Error(`corrupt log entry: ${what} missing`);
  return value;
};

export const toLoggedEvent = (row: EventRow): LoggedEvent => {
  const at = fromMs(row.at);
  switch (row.kind) {
    case 'MESSAGE_ADDED':
    case 'MESSAGE_UPDATED':
      return {
        kind: row.kind,
        seq: row.seq,
        messageId: required(row.message_id, 'message_id'),
        at,
      };
    case 'MEMBERSHIP_CHANGED':
      return {
        kind: row.kind,
        seq: row.seq,
        userId: required(row.user_id, 'user_id'),
        change: required(row.change, 'change'),
        at,
        ...(row.actor_id === null ? {} : { actorId: row.actor_id }),
        ...(row.role === null ? {} : { role: row.role }),
      };
    case 'CONVERSATION_CHANGED':
      return {
        kind: row.kind,
        seq: row.seq,
        at,
        ...(row.actor_id === null ? {} : { actorId: row.actor_id }),
        ...(row.attribute === null ? {} : { attribute: row.attribute }),
        ...(row.value === null ? {} : { value: row.value }),
      };
  }
};

const NO_DETAILS = { actor_id: null, role: null, attribute: null, value: null };

/** The row columns of an event (everything but its tenant and conversation). */
export const fromLoggedEvent = (event: LoggedEvent): EventRow => {
  switch (event.kind) {
    case 'MESSAGE_ADDED':
    case 'MESSAGE_UPDATED':
      return {
        seq: event.seq,
        kind: event.kind,
        message_id: event.messageId,
        user_id: null,
        change: null,
        at: toMs(event.at),
        ...NO_DETAILS,
      };
    case 'MEMBERSHIP_CHANGED':
      return {
        seq: event.seq,
        kind: event.kind,
        message_id: null,
        user_id: event.userId,
        change: event.change,
        at: toMs(event.at),
        ...NO_DETAILS,
        actor_id: event.actorId ?? null,
        role: event.role ?? null,
      };
    case 'CONVERSATION_CHANGED':
      return {
        seq: event.seq,
        kind: event.kind,
        message_id: null,
        user_id: null,
        change: null,
        at: toMs(event.at),
        ...NO_DETAILS,
        actor_id: event.actorId ?? null,
        attribute: event.attribute ?? null,
        value: event.value ?? null,
      };
  }
};
