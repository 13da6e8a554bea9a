import { channelNameKey, defaultMentionAllPolicy } from '@chatter/core';
import type { Conversation, LoggedEvent, Member, NewMember } from '@chatter/core';
import type { ConversationEventRecord } from '../schemas/conversation-event.schema';
import type { ConversationRecord } from '../schemas/conversation.schema';
import type { MemberRecord } from '../schemas/member.schema';

export const foldTitle = (title: string | null): string | null =>
  title === null ? null : title.toLowerCase();

export const toConversation = (r: ConversationRecord): Conversation => ({
  id: r._id,
  tenantId: r.tenantId,
  kind: r.kind,
  title: r.title ?? null,
  uniqueKey: r.uniqueKey ?? null,
  lastSeq: r.lastSeq,
  lastMessageId: r.lastMessageId ?? null,
  lastActivityAt: r.lastActivityAt,
  memberCount: r.memberCount,
  historyVisibility: r.historyVisibility ?? 'FULL',
  mentionAll: r.mentionAll ?? defaultMentionAllPolicy(r.kind),
  description: r.description ?? null,
  disappearAfterSeconds: r.disappearAfterSeconds ?? null,
  createdBy: r.createdBy ?? null,
  createdAt: r.createdAt,
});

/** A new conversation's document: seq 0, no last message, its initial members pending. */
export const fromNewConversation = (c: Conversation, members: NewMember[]): ConversationRecord => ({
  _id: c.id,
  tenantId: c.tenantId,
  kind: c.kind,
  title: c.title,
  titleFolded: foldTitle(c.title),
  titleSeq: 0,
  ...(c.uniqueKey === null ? {} : { uniqueKey: c.uniqueKey }),
  lastSeq: 0,
  lastMessageId: null,
  lastActivityAt: c.lastActivityAt,
  memberCount: members.length,
  historyVisibility: c.historyVisibility,
  mentionAll: c.mentionAll,
  description: c.description,
  disappearAfterSeconds: c.disappearAfterSeconds,
  ...(c.kind === 'CHANNEL' && c.title !== null ? { channelNameKey: channelNameKey(c.title) } : {}),
  createdBy: c.createdBy,
  createdAt: c.createdAt,
  pendingMembers: members.map((m) => ({ userId: m.userId, role: m.role })),
});

export const toMember = (r: MemberRecord): Member => ({
  tenantId: r.tenantId,
  conversationId: r.conversationId,
  userId: r.userId,
  role: r.role,
  joinedAt: r.joinedAt,
  historyFromSeq: r.historyFromSeq ?? 0,
  readSeq: r.readSeq,
  deliveredSeq: r.deliveredSeq,
  muted: r.muted,
  pinned: r.pinned,
  archived: r.archived,
});

export const toLoggedEvent = (r: ConversationEventRecord): LoggedEvent => {
  switch (r.kind) {
    case 'MESSAGE_ADDED':
    case 'MESSAGE_UPDATED':
      return { kind: r.kind, seq: r.seq, messageId: r.messageId!, at: r.at };
    case 'MEMBERSHIP_CHANGED':
      return {
        kind: r.kind,
        seq: r.seq,
        userId: r.userId!,
        change: r.change!,
        at: r.at,
        ...(r.actorId ? { actorId: r.actorId } : {}),
        ...(r.role ? { role: r.role } : {}),
      };
    case 'CONVERSATION_CHANGED':
      return {
        kind: r.kind,
        seq: r.seq,
        at: r.at,
        ...(r.actorId ? { actorId: r.actorId } : {}),
        ...(r.attribute ? { attribute: r.attribute } : {}),
        ...(r.value !== undefined && r.value !== null ? { value: r.value } : {}),
      };
    case 'VOID':
      throw new Error(`seq ${r.seq} is void: it has no event`);
  }
};

export const fromLoggedEvent = (
  tenantId: string,
  conversationId: string,
  e: LoggedEvent,
): ConversationEventRecord => {
  const base = { tenantId, conversationId, seq: e.seq, kind: e.kind, at: e.at };
  switch (e.kind) {
    case 'MESSAGE_ADDED':
    case 'MESSAGE_UPDATED':
      return { ...base, messageId: e.messageId };
    case 'MEMBERSHIP_CHANGED':
      return {
        ...base,
        userId: e.userId,
        change: e.change,
        ...(e.actorId ? { actorId: e.actorId } : {}),
        ...(e.role ? { role: e.role } : {}),
      };
    case 'CONVERSATION_CHANGED':
      return {
        ...base,
        ...(e.actorId ? { actorId: e.actorId } : {}),
        ...(e.attribute ? { attribute: e.attribute } : {}),
        ...(e.value !== undefined ? { value: e.value } : {}),
      };
  }
};
