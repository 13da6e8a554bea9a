import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConversationDocument,
  ConversationsDocument,
  FollowedThreadsDocument,
  MessagesDocument,
} from '@chatter/client';
import type { InMemoryCache } from '@apollo/client';
import { createCache } from '../apollo/apollo-client';
import { applyChatEvent, applyResync, type ApplyContext, type ChatEvent } from './apply-event';
import { TypingStore } from './typing-store';
import { ReceiptStore } from './receipt-store';
import { conversation, message } from '../test/fixtures';
import { parse } from 'graphql';

const SENDER_NAME = parse('fragment SenderName on User { name }');

const ME = 'me';

function setup(opts: { openMessages?: number[]; viewing?: string | null } = {}) {
  const cache = createCache();
  cache.writeQuery({
    query: ConversationsDocument,
    variables: { first: 100 },
    data: {
      conversations: {
        __typename: 'ConversationConnection',
        edges: [
          {
            __typename: 'ConversationEdge',
            cursor: 'c1',
            node: conversation('c1', 3, { lastMessage: message('c1', 3, 'bob') }),
          },
        ],
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      },
    },
  });
  if (opts.openMessages) {
    cache.writeQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1', last: 30 },
      data: {
        messages: {
          __typename: 'MessageConnection',
          edges: opts.openMessages.map((s) => ({
            __typename: 'MessageEdge' as const,
            cursor: String(s),
            node: message('c1', s, s % 2 ? 'bob' : ME),
          })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: false },
        },
      },
    });
  }
  const ctx: ApplyContext = {
    cache,
    myUserId: ME,
    typing: new TypingStore(),
    receipts: new ReceiptStore(),
    viewingConversationId: () => opts.viewing ?? null,
    fetchConversation: vi.fn(),
    delivered: vi.fn(),
  };
  return { cache, ctx };
}

const seqs = (cache: InMemoryCache, id = 'c1') =>
  cache
    .readQuery({ query: MessagesDocument, variables: { conversationId: id } })
    ?.messages.edges.map((e) => e.node.seq);
const conv = (cache: InMemoryCache, id = 'c1') =>
  cache.readQuery({ query: ConversationDocument, variables: { id } })?.conversation;

const added = (seq: number, sender = 'bob', body?: string): ChatEvent => ({
  __typename: 'MessageAdded',
  seq,
  message: message('c1', seq, sender, body),
});

describe('applyChatEvent', () => {
  let env: ReturnType<typeof setup>;
  beforeEach(() => {
    env = setup({ openMessages: [1, 2, 3] });
  });

  it('appends a new message to the open list and updates the conversation preview and unread count', () => {
    expect(applyChatEvent(env.ctx, added(4, 'bob', 'hello'))).toBe('applied');
    expect(seqs(env.cache)).toEqual([1, 2, 3, 4]);
    const c = conv(env.cache);
    expect(c?.lastMessage?.body).toBe('hello');
    expect(c?.lastSeq).toBe(4);
    expect(c?.unreadCount).toBe(1);
    expect(env.ctx.delivered).toHaveBeenCalledWith('c1', 4);
  });

  it('does not count my own messages or the conversation I am looking at as unread', () => {
    const viewing = setup({ openMessages: [1, 2, 3], viewing: 'c1' });
    applyChatEvent(viewing.ctx, added(4, 'bob'));
    applyChatEvent(viewing.ctx, added(5, ME));
    expect(conv(viewing.cache)?.unreadCount).toBe(0);
    const readBefore = conv(env.cache)?.readSeq;
    applyChatEvent(env.ctx, added(4, ME));
    expect(conv(env.cache)?.unreadCount).toBe(0);
    // Sending is not reading: only markRead moves the read pointer, as on the server.
    expect(conv(env.cache)?.readSeq).toBe(readBefore);
  });

  it('does not create a partial history for a conversation that was never opened', () => {
    const closed = setup();
    applyChatEvent(closed.ctx, added(4));
    expect(
      closed.cache.readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } }),
    ).toBeNull();
    expect(conv(closed.cache)?.lastSeq).toBe(4);
  });

  it('applies edits and deletions', () => {
    applyChatEvent(env.ctx, {
      __typename: 'MessageUpdated',
      seq: 4,
      message: { ...message('c1', 3, 'bob'), body: 'edited', editedAt: '2026-01-01T13:00:00.000Z' },
    });
    applyChatEvent(env.ctx, {
      __typename: 'MessageUpdated',
      seq: 5,
      message: { ...message('c1', 1, 'bob'), body: null, deletedAt: '2026-01-01T13:00:00.000Z' },
    });
    const list = env.cache
      .readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } })!
      .messages.edges.map((e) => e.node);
    expect(list.find((m) => m.seq === 3)).toMatchObject({
      body: 'edited',
      editedAt: '2026-01-01T13:00:00.000Z',
    });
    expect(list.find((m) => m.seq === 1)).toMatchObject({
      body: null,
      deletedAt: '2026-01-01T13:00:00.000Z',
    });
    expect(conv(env.cache)?.lastMessage?.body).toBe('edited');
  });

  it("refreshes a thread's state from another device and forgets the followed-threads list", () => {
    const thread = (following: boolean, unreadCount: number) => ({
      __typename: 'ThreadSummary' as const,
      rootId: 'c1:2',
      replyCount: 3,
      lastReplyAt: '2026-01-01T13:00:00.000Z',
      following,
      unreadCount,
      participants: [],
    });
    const root = { ...message('c1', 2, ME), thread: thread(true, 3) };
    env.cache.writeQuery({
      query: FollowedThreadsDocument,
      variables: { first: 20 },
      data: {
        followedThreads: {
          __typename: 'MessageConnection',
          edges: [{ __typename: 'MessageEdge', cursor: 'x', node: root }],
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
        },
      },
    });
    const threadOf = () =>
      env.cache
        .readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } })!
        .messages.edges.find((e) => e.node.seq === 2)?.node.thread;
    expect(threadOf()).toMatchObject({ following: true, unreadCount: 3 });

    expect(
      applyChatEvent(env.ctx, {
        __typename: 'ThreadStateChanged',
        conversationId: 'c1',
        root: { ...root, thread: thread(false, 0) },
      }),
    ).toBe('applied');
    expect(threadOf()).toMatchObject({ following: false, unreadCount: 0 });
    expect(
      env.cache.readQuery({ query: FollowedThreadsDocument, variables: { first: 20 } }),
    ).toBeNull();
  });

  it('fetches a conversation it does not hold yet', () => {
    const other: ChatEvent = {
      __typename: 'MessageAdded',
      seq: 1,
      message: message('c9', 1, 'carol'),
    };
    applyChatEvent(env.ctx, other);
    expect(env.ctx.fetchConversation).toHaveBeenCalledWith('c9');
  });

  it('adds a conversation I was added to, and keeps one I left, read-only', () => {
    applyChatEvent(env.ctx, {
      __typename: 'MembershipChanged',
      seq: 1,
      userId: ME,
      change: 'ADDED',
      conversation: conversation('g1', 1, { kind: 'GROUP', title: 'Team' }),
    });
    const ids = () =>
      env.cache
        .readQuery({ query: ConversationsDocument, variables: { first: 100 } })
        ?.conversations.edges.map((e) => e.node.id);
    expect(ids()).toEqual(['g1', 'c1']);
    applyChatEvent(env.ctx, {
      __typename: 'MembershipChanged',
      seq: 2,
      userId: ME,
      change: 'LEFT',
      conversation: conversation('g1', 2, {
        kind: 'GROUP',
        title: 'Team',
        myRole: null,
        viewerIsMember: false,
        viewerExit: {
          __typename: 'ConversationExit',
          change: 'LEFT',
          at: '2026-01-01T13:00:00.000Z',
          by: { __typename: 'User', id: ME, name: 'Me' },
        },
      }),
    });
    // The chat stays in the list with what it holds.
    expect(ids()).toEqual(['g1', 'c1']);
    expect(conv(env.cache, 'g1')).toMatchObject({ viewerIsMember: false, myRole: null });
    expect(conv(env.cache, 'g1')?.viewerExit?.change).toBe('LEFT');
  });

  it('moves my read pointer from another device and clears the badge', () => {
    applyChatEvent(env.ctx, added(4));
    applyChatEvent(env.ctx, added(5));
    expect(conv(env.cache)?.unreadCount).toBe(2);
    applyChatEvent(env.ctx, {
      __typename: 'ReadReceipt',
      conversationId: 'c1',
      userId: ME,
      readSeq: 5,
    });
    expect(conv(env.cache)).toMatchObject({ unreadCount: 0, readSeq: 5 });
  });

  it('marks my messages seen when the other side of a DM reads them', () => {
    applyChatEvent(env.ctx, {
      __typename: 'ReadReceipt',
      conversationId: 'c1',
      userId: 'bob',
      readSeq: 2,
    });
    const list = env.cache
      .readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } })!
      .messages.edges.map((e) => e.node);
    expect(list.find((m) => m.seq === 2)?.readBy).toBe(1);
    expect(env.ctx.receipts.readersAtLeast('c1', 2, ME)).toBe(1);
  });

  it('counts receivers from delivery receipts, reading included, never mine', () => {
    applyChatEvent(env.ctx, {
      __typename: 'DeliveryReceipt',
      conversationId: 'c1',
      userId: 'bob',
      deliveredSeq: 3,
    });
    applyChatEvent(env.ctx, {
      __typename: 'DeliveryReceipt',
      conversationId: 'c1',
      userId: 'bob',
      deliveredSeq: 1,
    });
    applyChatEvent(env.ctx, {
      __typename: 'DeliveryReceipt',
      conversationId: 'c1',
      userId: ME,
      deliveredSeq: 9,
    });
    applyChatEvent(env.ctx, {
      __typename: 'ReadReceipt',
      conversationId: 'c1',
      userId: 'cyd',
      readSeq: 5,
    });
    expect(env.ctx.receipts.receiversAtLeast('c1', 3, ME)).toBe(2);
    expect(env.ctx.receipts.receiversAtLeast('c1', 4, ME)).toBe(1);
    expect(env.ctx.receipts.receiversAtLeast('c1', 6, ME)).toBe(0);
    expect(env.ctx.receipts.readersAtLeast('c1', 3, ME)).toBe(1);
  });

  it('shows typing from others and clears it when their message arrives', () => {
    applyChatEvent(env.ctx, {
      __typename: 'TypingChanged',
      conversationId: 'c1',
      typing: true,
      user: { __typename: 'User', id: 'bob', name: 'Bob' },
    });
    applyChatEvent(env.ctx, {
      __typename: 'TypingChanged',
      conversationId: 'c1',
      typing: true,
      user: { __typename: 'User', id: ME, name: 'Me' },
    });
    expect(env.ctx.typing.names('c1')).toEqual(['Bob']);
    applyChatEvent(env.ctx, added(4, 'bob'));
    expect(env.ctx.typing.names('c1')).toEqual([]);
  });

  it('updates presence of a cached user', () => {
    applyChatEvent(env.ctx, {
      __typename: 'PresenceChanged',
      user: {
        __typename: 'User',
        id: 'bob',
        name: 'bob',
        avatarUrl: null,
        statusText: null,
        statusEmoji: null,
        lastSeenAt: null,
        presence: { __typename: 'Presence', status: 'ONLINE', lastSeenAt: null },
      },
    });
    expect(conv(env.cache)?.otherUser?.presence.status).toBe('ONLINE');
  });

  it('a profile change renames the person everywhere they are shown', () => {
    applyChatEvent(env.ctx, {
      __typename: 'PresenceChanged',
      user: {
        __typename: 'User',
        id: 'bob',
        name: 'Robert',
        avatarUrl: 'https://example.com/r.png',
        statusText: 'At the lake',
        statusEmoji: '🏖️',
        lastSeenAt: null,
        presence: { __typename: 'Presence', status: 'ONLINE', lastSeenAt: null },
      },
    });
    expect(conv(env.cache)?.otherUser).toMatchObject({
      name: 'Robert',
      avatarUrl: 'https://example.com/r.png',
      statusText: 'At the lake',
    });
    const sender = env.cache.readFragment<{ name: string }>({
      id: env.cache.identify({ __typename: 'User', id: 'bob' }),
      fragment: SENDER_NAME,
    });
    expect(sender?.name).toBe('Robert');
  });

  it('after a resync drops the stale history and keeps the refetched conversation', () => {
    applyResync(env.cache, {
      conversationId: 'c1',
      reason: 'TOO_FAR_BEHIND',
      fromSeq: 3,
      conversation: conversation('c1', 9),
    });
    expect(seqs(env.cache)).toBeUndefined();
    expect(conv(env.cache)?.lastSeq).toBe(9);
    // ResyncRequired itself reaches the app only through the SDK's resync callback.
    expect(
      applyChatEvent(env.ctx, { __typename: 'ResyncRequired', conversationId: 'c1', reason: 'x' }),
    ).toBe('ignored');
  });

  it('removes a conversation the user can no longer read after a resync', () => {
    applyResync(env.cache, {
      conversationId: 'c1',
      reason: 'NOT_A_MEMBER',
      fromSeq: 3,
      conversation: null,
    });
    expect(
      env.cache
        .readQuery({ query: ConversationsDocument, variables: { first: 100 } })
        ?.conversations.edges.map((e) => e.node.id),
    ).toEqual([]);
  });
});
