// The orchestration around the pure apply step: hole filling from the store and resync, over a
// real ApolloClient whose link plays the server (no socket is opened: start() is not called).
import { describe, expect, it, vi } from 'vitest';
import { ApolloClient, ApolloLink, Observable } from '@apollo/client';
import {
  ConversationsDocument,
  MessagesDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { RealtimeSession } from './realtime-session';
import type { Session } from '../auth/session';
import { conversation, message } from '../test/fixtures';

function serverLink(
  store: MessageFieldsFragment[],
  calls: { op: string; vars: Record<string, unknown> }[],
  lastSeq: () => number,
) {
  return new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        const vars = operation.variables as Record<string, number | string | undefined>;
        calls.push({ op: operation.operationName, vars });
        let data: unknown;
        if (operation.operationName === 'Messages') {
          const after = Number(vars['after'] ?? 0);
          const first = Number(vars['first'] ?? 50);
          const page = store.filter((m) => m.seq > after).slice(0, first);
          data = {
            messages: {
              __typename: 'MessageConnection',
              edges: page.map((m) => ({
                __typename: 'MessageEdge',
                cursor: String(m.seq),
                node: m,
              })),
              pageInfo: {
                __typename: 'PageInfo',
                hasNextPage: store.some((m) => m.seq > (page[page.length - 1]?.seq ?? after)),
                hasPreviousPage: true,
              },
            },
          };
        } else if (operation.operationName === 'Conversation') {
          data = { conversation: conversation(String(vars['id']), lastSeq()) };
        } else if (operation.operationName === 'MarkDelivered') {
          data = { markDelivered: true };
        }
        observer.next({ data: data as Record<string, unknown> });
        observer.complete();
      }),
  );
}

async function setup() {
  const store = [1, 2, 3, 4, 5, 6, 7].map((s) => message('c1', s, s % 2 ? 'bob' : 'me'));
  const calls: { op: string; vars: Record<string, unknown> }[] = [];
  const client = new ApolloClient({
    cache: createCache(),
    link: serverLink(store, calls, () => 7),
  });
  client.cache.writeQuery({
    query: ConversationsDocument,
    data: {
      conversations: {
        __typename: 'ConversationConnection',
        edges: [{ __typename: 'ConversationEdge', cursor: 'c1', node: conversation('c1', 2) }],
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      },
    },
  });
  client.cache.writeQuery({
    query: MessagesDocument,
    variables: { conversationId: 'c1', last: 30 },
    data: {
      messages: {
        __typename: 'MessageConnection',
        edges: store
          .slice(0, 2)
          .map((m) => ({ __typename: 'MessageEdge' as const, cursor: String(m.seq), node: m })),
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: false },
      },
    },
  });
  const session = {
    getAccessToken: vi.fn(async () => 't'),
    invalidate: vi.fn(),
    currentAccessToken: 't',
  } as unknown as Session;
  const realtime = new RealtimeSession({
    url: 'ws://unused',
    session,
    client,
    myUserId: 'me',
    viewingConversationId: () => 'c1',
  });
  realtime.seed([{ id: 'c1', lastSeq: 2 }]);
  const seqs = () =>
    client.cache
      .readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } })
      ?.messages.edges.map((e) => e.node.seq);
  await realtime.load();
  return { store, calls, client, realtime, seqs };
}

describe('RealtimeSession', () => {
  it('fills a hole from the store with messages(after) and shows every message once, in order', async () => {
    const { store, calls, realtime, seqs } = await setup();
    realtime.apply({ __typename: 'MessageAdded', seq: 6, message: store[5] });
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]));
    expect(calls.filter((c) => c.op === 'Messages')).toEqual([
      { op: 'Messages', vars: { conversationId: 'c1', after: 2, first: 3 } },
    ]);
    // The late live copy of a filled message changes nothing.
    realtime.apply({ __typename: 'MessageAdded', seq: 4, message: store[3] });
    realtime.apply({ __typename: 'MessageAdded', seq: 7, message: store[6] });
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(realtime.tracker.cursors()).toEqual([{ conversationId: 'c1', afterSeq: 7 }]);
  });

  it('on ResyncRequired refetches the conversation, drops the stale history and resumes from the new lastSeq', async () => {
    const { calls, realtime, client } = await setup();
    realtime.apply({
      __typename: 'ResyncRequired',
      conversationId: 'c1',
      reason: 'too far behind',
    });
    await vi.waitFor(() => expect(realtime.tracker.get('c1')).toBe(7));
    expect(calls.map((c) => c.op)).toEqual(['Conversation']);
    expect(
      client.cache.readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } }),
    ).toBeNull();
  });
});
