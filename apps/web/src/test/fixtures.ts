// Builders for realistic cache payloads, shaped exactly like the generated fragment types.
import type {
  ConversationFieldsFragment,
  MessageFieldsFragment,
  UserFieldsFragment,
} from '@chatter/client';

export function user(id: string, name = id): UserFieldsFragment {
  return {
    __typename: 'User',
    id,
    name,
    isBot: false,
    phone: null,
    avatarUrl: null,
    statusText: null,
    statusEmoji: null,
    lastSeenAt: null,
    isContact: true,
    isBlocked: false,
    presence: { __typename: 'Presence', status: 'OFFLINE', lastSeenAt: null },
  };
}

export function message(
  conversationId: string,
  seq: number,
  senderId: string,
  body = `m${seq}`,
): MessageFieldsFragment {
  return {
    __typename: 'Message',
    id: `${conversationId}-m${seq}`,
    conversationId,
    seq,
    clientMessageId: null,
    body,
    editedAt: null,
    deletedAt: null,
    expiresAt: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    readBy: 0,
    deliveredTo: 0,
    mentionsAll: false,
    mentionsMe: false,
    call: null,
    mentions: [],
    sender: { __typename: 'User', id: senderId, name: senderId, avatarUrl: null, isBot: false },
    replyTo: null,
    reactions: [],
    attachments: [],
    linkPreview: null,
    threadRootId: null,
    forwarded: false,
    starredByMe: false,
    thread: null,
    poll: null,
  };
}

export function conversation(
  id: string,
  lastSeq: number,
  over: Partial<ConversationFieldsFragment> = {},
): ConversationFieldsFragment {
  return {
    __typename: 'Conversation',
    id,
    kind: 'DIRECT',
    title: null,
    description: null,
    memberCount: 2,
    lastSeq,
    unreadCount: 0,
    unreadMentionCount: 0,
    mentionAll: 'MEMBERS',
    disappearAfterSeconds: null,
    readSeq: lastSeq,
    myRole: 'MEMBER',
    muted: false,
    pinned: false,
    archived: false,
    isMessageRequest: false,
    viewerIsMember: true,
    viewerExit: null,
    lastActivityAt: new Date(Date.UTC(2026, 0, 1, 12, 0, lastSeq)).toISOString(),
    createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    otherUser: user('bob', 'Bob'),
    lastMessage: null,
    ...over,
  };
}

/** An in-memory Storage (jsdom has one, but separate instances model separate page loads). */
export class MemoryStorage implements Storage {
  private data = new Map<string, string>();
  get length() {
    return this.data.size;
  }
  clear() {
    this.data.clear();
  }
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
  setItem(k: string, v: string) {
    this.data.set(k, String(v));
  }
}
