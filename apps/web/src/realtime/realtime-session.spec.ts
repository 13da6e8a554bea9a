// The app's side of the stream: the SDK's follow() (ordering, gap fill, resync: libs/sdk specs)
// hands events to the Apollo cache. A fake socket plays the server's stream and a fake fetch its
// HTTP answers; no network.
import { describe, expect, it, vi } from 'vitest';
import type { Client, Sink } from 'graphql-ws';
import { ApolloClient, ApolloLink } from '@apollo/client';
import {
  ConversationsDocument,
  MessagesDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import type { FetchLike } from '@chatter/sdk';
import { createCache } from '../apollo/apollo-client';
import { RealtimeSession } from './realtime-session';
import type { Session } from '../auth/session';
import { conversation, message } from '../test/fixtures';
import { CONVERSATIONS_PAGE } from '../chat/conversations-page';

function fakeSocket() {
  const subscriptions: { variables: unknown; sink: Sink }[] = [];
  const listeners = new Map<string, (() => void)[]>();
  const client = {
    subscribe(payload: { variables?: unknown }, sink: Sink) {
      subscriptions.push({ variables: JSON.parse(JSON.stringify(payload.variables)), sink });
      return () => undefined;
    },
    on: (event: string, listener: () => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return () => undefined;
    },
    dispose: async () => undefined,
    terminate: () => undefined,
  } as unknown as Client;
  /** graphql-ws's events, as the socket would emit them. */
  const emit = (event: string) => listeners.get(event)?.forEach((l) => l());
  return { client, subscriptions, emit };
}

/** The server's HTTP answers to the SDK: history pages and one conversation. */
function fakeFetch(store: MessageFieldsFragment[], calls: string[], lastSeq: number): FetchLike {
  return async (_url, init) => {
    const { query, variables } = JSON.parse(init.body) as {
      query: string;
      variables: Record<string, number>;
    };
    const op = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '?';
    calls.push(`${op} ${JSON.stringify(variables)}`);
    let data: unknown = null;
    if (op === 'Messages') {
      const page = store.filter((m) => m.seq > variables['after']!).slice(0, variables['first']);
      data = {
        messages: {
          __typename: 'MessageConnection',
          edges: page.map((m) => ({ __typename: 'MessageEdge', cursor: String(m.seq), node: m })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: true },
        },
      };
    } else if (op === 'Conversation') {
      data = { conversation: conversation('c1', lastSeq) };
    }
    return { status: 200, json: async () => ({ data }) };
  };
}

async function setup() {
  const store = [1, 2, 3, 4, 5, 6, 7].map((s) => message('c1', s, s % 2 ? 'bob' : 'me'));
  const calls: string[] = [];
  const client = new ApolloClient({ cache: createCache(), link: ApolloLink.empty() });
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
  const socket = fakeSocket();
  const realtime = new RealtimeSession({
    url: 'ws://unused',
    httpUrl: 'http://unused',
    session,
    client,
    myUserId: 'me',
    viewingConversationId: () => 'c1',
    fetch: fakeFetch(store, calls, 7),
    socket: socket.client,
  });
  realtime.start([{ id: 'c1', lastSeq: 2 }]);
  await vi.waitFor(() => expect(socket.subscriptions).toHaveLength(1));
  const push = (event: unknown) =>
    socket.subscriptions.at(-1)!.sink.next({ data: { chatEvents: event } } as never);
  const seqs = () =>
    client.cache
      .readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } })
      ?.messages.edges.map((e) => e.node.seq);
  return { store, calls, client, realtime, socket, push, seqs };
}

describe('RealtimeSession', () => {
  it('resumes from the fetched lastSeq, fills a hole through the SDK and shows every message once, in order', async () => {
    const { store, calls, realtime, socket, push, seqs } = await setup();
    expect(socket.subscriptions[0]!.variables).toEqual({
      since: [{ conversationId: 'c1', afterSeq: 2 }],
    });
    push({ __typename: 'MessageAdded', seq: 6, message: store[5] });
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]));
    expect(calls).toEqual(['Messages {"conversationId":"c1","after":2,"first":3}']);
    // The late live copy of a filled message changes nothing.
    push({ __typename: 'MessageAdded', seq: 4, message: store[3] });
    push({ __typename: 'MessageAdded', seq: 7, message: store[6] });
    await vi.waitFor(() => expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]));
    realtime.stop();
  });

  it('lists the conversations again each time the stream (re)connects and adds those the list lacks', async () => {
    const { client, realtime, socket } = await setup();
    const listed = (...ids: string[]) => ({
      data: {
        conversations: {
          __typename: 'ConversationConnection',
          edges: ids.map((id) => ({
            __typename: 'ConversationEdge',
            cursor: id,
            node: conversation(id, 9),
          })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: true, endCursor: ids.at(-1) },
        },
      },
    });
    const query = vi.spyOn(client, 'query').mockResolvedValue(listed('c3', 'c2', 'c1') as never);
    const ids = () =>
      client.cache
        .readQuery({ query: ConversationsDocument })
        ?.conversations.edges.map((e) => e.node.id);
    socket.emit('connected');
    await vi.waitFor(() => expect(ids()).toEqual(['c3', 'c2', 'c1']));
    expect(query).toHaveBeenLastCalledWith(
      expect.objectContaining({
        variables: { first: CONVERSATIONS_PAGE },
        fetchPolicy: 'no-cache',
      }),
    );
    // What the list held stays as it was (c1's lastSeq is still 2), and the list is not cut.
    expect(
      client.cache.readQuery({ query: ConversationsDocument })?.conversations.edges[2]?.node
        .lastSeq,
    ).toBe(2);
    query.mockResolvedValue(listed('c4') as never);
    socket.emit('closed');
    socket.emit('connected');
    await vi.waitFor(() => expect(ids()).toEqual(['c4', 'c3', 'c2', 'c1']));
    expect(query).toHaveBeenCalledTimes(2);
    realtime.stop();
  });

  it('on ResyncRequired refetches the conversation, drops the stale history and resumes from the new lastSeq', async () => {
    const { calls, realtime, client, push, socket } = await setup();
    push({ __typename: 'ResyncRequired', conversationId: 'c1', reason: 'TOO_FAR_BEHIND' });
    await vi.waitFor(() =>
      expect(
        client.cache.readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } }),
      ).toBeNull(),
    );
    expect(calls).toEqual(['Conversation {"id":"c1"}']);
    // A restarted stream resumes from the cursor the SDK moved to the refetched lastSeq.
    realtime.stop();
    realtime.start([]);
    await vi.waitFor(() => expect(socket.subscriptions).toHaveLength(2));
    expect(socket.subscriptions[1]!.variables).toEqual({
      since: [{ conversationId: 'c1', afterSeq: 7 }],
    });
    realtime.stop();
  });
});
