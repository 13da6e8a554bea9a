// The conversation's message list over a real Apollo cache and a real outbox: confirmed
// messages in seq order, pending sends shown once (until the server's copy arrives), and a
// refused send offering Retry.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ApolloClient, ApolloLink, ApolloProvider, Observable } from '@apollo/client';
import { MessagesDocument, type MessageFieldsFragment } from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { ChatServicesContext, type ChatServices } from '../app/services';
import { Outbox, type SendOutcome } from '@chatter/sdk';
import { RealtimeSession } from '../realtime/realtime-session';
import { upsertMessageInList } from '../realtime/cache-writes';
import type { Session } from '../auth/session';
import { MemoryStorage, conversation, message } from '../test/fixtures';
import { MessageList } from './message-list';

function setup(
  initial: MessageFieldsFragment[],
  send: (body: string) => SendOutcome,
  kind: 'DIRECT' | 'GROUP' = 'DIRECT',
) {
  const link = new ApolloLink(() => new Observable((o) => o.complete()));
  const client = new ApolloClient({ cache: createCache(), link });
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
  const sender = vi.fn(async (m: { body: string }) => send(m.body));
  const outbox = new Outbox(sender, {
    storage: new MemoryStorage(),
    storageKey: 'chatter.outbox.me',
    keepFailed: true,
  });
  const session = {} as Session;
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
        <MessageList
          conversation={conversation('c1', 2, { readSeq: 2, kind })}
          onReply={vi.fn()}
          onEdit={vi.fn()}
        />
      </ApolloProvider>
    </ChatServicesContext.Provider>,
  );
  return { client, outbox, sender };
}

const bodies = () => [...document.querySelectorAll('.msg__body')].map((n) => n.textContent);

describe('MessageList', () => {
  afterEach(cleanup);

  it('shows history in order with a day separator and marks the start of the conversation', async () => {
    setup([message('c1', 1, 'bob', 'first'), message('c1', 2, 'me', 'second')], () => ({
      ok: true,
    }));
    await screen.findByText('second');
    expect(bodies()).toEqual(['first', 'second']);
    expect(screen.getByRole('separator', { name: /Today|Yesterday|\w+/ })).toBeTruthy();
    expect(screen.getByText('This is the beginning of the conversation.')).toBeTruthy();
  });

  it('shows a BOT badge next to a bot sender’s name in a group, and none for people', async () => {
    const fromBot = message('c1', 1, 'ci', 'build passed');
    setup(
      [
        { ...fromBot, sender: { ...fromBot.sender, name: 'CI', isBot: true } },
        message('c1', 2, 'bob', 'thanks'),
      ],
      () => ({ ok: true }),
      'GROUP',
    );
    await screen.findByText('thanks');
    const names = [...document.querySelectorAll('.msg__sender')].map((n) => n.textContent);
    expect(names).toEqual(['CIBOT', 'bob']);
    expect(screen.getAllByTitle('Bot account')).toHaveLength(1);
  });

  it('shows a pending send once, then only the confirmed message once it is in the cache', async () => {
    const { client, outbox } = setup([message('c1', 1, 'bob', 'hello')], () => ({
      ok: false,
      retryable: true,
      error: 'offline',
    }));
    await screen.findByText('hello');
    let id = '';
    act(() => {
      id = outbox.enqueue({ conversationId: 'c1', body: 'on my way' }).clientMessageId;
    });
    expect(await screen.findByLabelText('Sending')).toBeTruthy();
    expect(bodies()).toEqual(['hello', 'on my way']);
    // The server's copy arrives (live event or send answer) while the outbox still holds it.
    act(() =>
      upsertMessageInList(client.cache, {
        ...message('c1', 2, 'me', 'on my way'),
        clientMessageId: id,
      }),
    );
    await vi.waitFor(() => expect(screen.queryByLabelText('Sending')).toBeNull());
    expect(bodies()).toEqual(['hello', 'on my way']);
  });

  it('offers Retry for a refused send and sends again when asked', async () => {
    let refuse = true;
    const { outbox, sender } = setup([], () =>
      refuse
        ? { ok: false, retryable: false, error: 'This message could not be delivered.' }
        : { ok: true },
    );
    act(() => {
      outbox.enqueue({ conversationId: 'c1', body: 'hi there' });
    });
    const alert = (await screen.findByRole('alert')).textContent ?? '';
    expect(alert).toContain('Not sent: This message could not be delivered.');
    expect(alert).not.toContain('..');
    refuse = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect(outbox.size).toBe(0));
    expect(sender).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
