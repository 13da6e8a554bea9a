import { describe, expect, it, vi } from 'vitest';
import { MessagesDocument, ThreadRepliesDocument } from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { applyChatEvent, type ApplyContext, type ChatEvent } from '../realtime/apply-event';
import { THREAD_PAGE } from '../realtime/cache-writes';
import { TypingStore } from '../realtime/typing-store';
import { ReceiptStore } from '../realtime/receipt-store';
import { message } from '../test/fixtures';

function setup() {
  const cache = createCache();
  const root = message('c1', 1, 'ann', 'root');
  cache.writeQuery({
    query: MessagesDocument,
    variables: { conversationId: 'c1', last: 30 },
    data: {
      messages: {
        __typename: 'MessageConnection',
        edges: [{ __typename: 'MessageEdge', cursor: '1', node: root }],
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: false },
      },
    },
  });
  cache.writeQuery({
    query: ThreadRepliesDocument,
    variables: { rootId: root.id, first: THREAD_PAGE },
    data: {
      threadReplies: {
        __typename: 'MessageConnection',
        edges: [],
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: false },
      },
    },
  });
  const ctx: ApplyContext = {
    cache,
    myUserId: 'me',
    typing: new TypingStore(),
    receipts: new ReceiptStore(),
    viewingConversationId: () => null,
    fetchConversation: vi.fn(),
    delivered: vi.fn(),
  };
  return { cache, ctx, root };
}

describe('thread events', () => {
  it('puts a thread reply into its open thread, never into the timeline, once', () => {
    const { cache, ctx, root } = setup();
    const reply = { ...message('c1', 2, 'bob', 'in the thread'), threadRootId: root.id };
    const event: ChatEvent = { __typename: 'MessageAdded', seq: 2, message: reply };
    expect(applyChatEvent(ctx, event)).toBe('applied');
    // The SDK drops repeats by seq; applying one twice anyway leaves a single copy.
    applyChatEvent(ctx, event);
    const timeline = cache.readQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1' },
    });
    expect(timeline?.messages.edges.map((e) => e.node.id)).toEqual([root.id]);
    const thread = cache.readQuery({
      query: ThreadRepliesDocument,
      variables: { rootId: root.id, first: THREAD_PAGE },
    });
    expect(thread?.threadReplies.edges.map((e) => e.node.body)).toEqual(['in the thread']);
    expect(ctx.delivered).toHaveBeenCalledWith('c1', 2);
  });

  it('updates the root summary from its MessageUpdated', () => {
    const { cache, ctx, root } = setup();
    const summary = {
      __typename: 'ThreadSummary' as const,
      rootId: root.id,
      replyCount: 2,
      lastReplyAt: root.createdAt,
      following: true,
      unreadCount: 1,
      participants: [],
    };
    applyChatEvent(ctx, {
      __typename: 'MessageUpdated',
      seq: 2,
      message: { ...root, thread: summary },
    });
    const timeline = cache.readQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1' },
    });
    expect(timeline?.messages.edges[0]?.node.thread).toMatchObject({
      replyCount: 2,
      unreadCount: 1,
    });
  });
});
