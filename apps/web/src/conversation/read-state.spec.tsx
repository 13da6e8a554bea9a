// Read state while a conversation is open: a message counts as read once it is on screen, and
// replying to it at once (the messages cross) still counts as reading it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { ApolloClient, ApolloLink, ApolloProvider, Observable, useQuery } from '@apollo/client';
import {
  ConversationDocument,
  MessagesDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { ChatServicesContext, type ChatServices } from '../app/services';
import { Outbox } from '@chatter/sdk';
import { RealtimeSession } from '../realtime/realtime-session';
import { bumpConversation, upsertMessageInList } from '../realtime/cache-writes';
import type { Session } from '../auth/session';
import { MemoryStorage, conversation, message } from '../test/fixtures';
import { MessageList } from './message-list';

/** The conversation as the app shows it: read from the cache, so cache writes reach the list. */
function OpenConversation() {
  const { data } = useQuery(ConversationDocument, {
    variables: { id: 'c1' },
    fetchPolicy: 'cache-only',
  });
  if (!data?.conversation) return null;
  return <MessageList conversation={data.conversation} onReply={vi.fn()} onEdit={vi.fn()} />;
}

function setup(initial: MessageFieldsFragment[]) {
  const marks: { conversationId: string; seq: number }[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable((o) => {
        if (operation.operationName === 'MarkRead') {
          const v = operation.variables as { conversationId: string; seq: number };
          marks.push(v);
          o.next({
            data: {
              markRead: {
                __typename: 'Conversation',
                id: v.conversationId,
                readSeq: v.seq,
                unreadCount: 0,
              },
            },
          });
        }
        o.complete();
      }),
  );
  const client = new ApolloClient({ cache: createCache(), link });
  const last = initial[initial.length - 1]?.seq ?? 0;
  client.cache.writeQuery({
    query: ConversationDocument,
    variables: { id: 'c1' },
    data: { conversation: conversation('c1', last, { readSeq: last }) },
  });
  client.cache.writeQuery({
    query: MessagesDocument,
    variables: { conversationId: 'c1', last: 30 },
    data: {
      messages: {
        __typename: 'MessageConnection',
        edges: initial.map((m) => ({
          __typename: 'MessageEdge' as const,
          cursor: String(m.seq),
          node: m,
        })),
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: false },
      },
    },
  });
  const session = {} as Session;
  const outbox = new Outbox(async () => ({ ok: true }), {
    storage: new MemoryStorage(),
    storageKey: 'chatter.outbox.me',
    keepFailed: true,
  });
  const realtime = new RealtimeSession({
    url: 'ws://unused',
    session,
    client,
    myUserId: 'me',
    viewingConversationId: () => 'c1',
  });
  const services: ChatServices = { session, client, myUserId: 'me', outbox, realtime };
  render(
    <ChatServicesContext.Provider value={services}>
      <ApolloProvider client={client}>
        <OpenConversation />
      </ApolloProvider>
    </ChatServicesContext.Provider>,
  );
  /** What the app does with a message from the stream or a send answer. */
  const arrive = (m: MessageFieldsFragment) =>
    act(() => {
      upsertMessageInList(client.cache, m);
      bumpConversation(client.cache, m, { mine: m.sender.id === 'me', countUnread: false });
    });
  return { client, marks, arrive };
}

describe('read state of the open conversation', () => {
  afterEach(cleanup);

  it('a reply sent right after a message arrived marks that message read', async () => {
    const { client, marks, arrive } = setup([
      message('c1', 1, 'bob', 'hi'),
      message('c1', 2, 'me', 'hey'),
    ]);
    await screen.findByText('hey');
    arrive(message('c1', 3, 'bob', 'lunch?'));
    arrive(message('c1', 4, 'me', 'yes!')); // well within the 300 ms the list waits before marking
    await vi.waitFor(() => expect(marks).toEqual([{ conversationId: 'c1', seq: 4 }]), {
      timeout: 2_000,
    });
    const conv = client.cache.readQuery({ query: ConversationDocument, variables: { id: 'c1' } });
    expect(conv?.conversation?.readSeq).toBe(4);
  });

  it('my own messages alone send no receipt', async () => {
    const { marks, arrive } = setup([message('c1', 1, 'bob', 'hi')]);
    await screen.findByText('hi');
    arrive(message('c1', 2, 'me', 'one'));
    arrive(message('c1', 3, 'me', 'two'));
    await new Promise((r) => setTimeout(r, 600));
    expect(marks).toEqual([]);
  });
});
