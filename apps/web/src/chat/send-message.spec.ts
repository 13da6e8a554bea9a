// Which transport a queued message takes and what each answer means for the outbox.
import { describe, expect, it } from 'vitest';
import { ApolloClient, ApolloLink, Observable } from '@apollo/client';
import type { GraphQLError } from 'graphql';
import { MessageFieldsFragmentDoc, type MessageFieldsFragment } from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import type { PendingMessage } from '../outbox/outbox';
import type { SocketOperations, SocketResult } from '../realtime/realtime-session';
import { message } from '../test/fixtures';
import { createSender } from './send-message';

const pending: PendingMessage = {
  clientMessageId: 'k-1',
  conversationId: 'c1',
  body: 'hello',
  replyToId: null,
  createdAt: '2026-01-01T12:00:00.000Z',
  status: 'sending',
  attempts: 1,
};

function setup(answer: () => Promise<SocketResult<unknown>> | null) {
  const http: Record<string, unknown>[] = [];
  const client = new ApolloClient({
    cache: createCache(),
    link: new ApolloLink(
      (operation) =>
        new Observable((observer) => {
          http.push(operation.variables);
          observer.next({ data: { sendMessage: message('c1', 4, 'me', 'over http') } });
          observer.complete();
        }),
    ),
  });
  const socketCalls: unknown[] = [];
  const socket = {
    execute: (_document: unknown, variables: unknown) => {
      socketCalls.push(variables);
      return answer();
    },
  } as SocketOperations;
  const cached = (id: string) =>
    client.cache.readFragment<MessageFieldsFragment>({
      id: `Message:${id}`,
      fragment: MessageFieldsFragmentDoc,
      fragmentName: 'MessageFields',
    });
  return { send: createSender(client, () => socket), http, socketCalls, cached };
}

const refusal = (code: string, text = 'refused'): Promise<SocketResult<unknown>> =>
  Promise.resolve({
    data: null,
    errors: [{ message: text, extensions: { code } } as unknown as GraphQLError],
  });

describe('createSender', () => {
  it('sends over the open socket, with no HTTP request, and caches the stored message', async () => {
    const stored = message('c1', 3, 'me', 'hello');
    const { send, http, socketCalls, cached } = setup(() =>
      Promise.resolve({ data: { sendMessage: stored } }),
    );
    expect(await send(pending)).toEqual({ ok: true });
    expect(socketCalls).toEqual([
      { input: { conversationId: 'c1', clientMessageId: 'k-1', body: 'hello', replyToId: null } },
    ]);
    expect(http).toEqual([]);
    expect(cached(stored.id)?.body).toBe('hello');
  });

  it('uses HTTP while the socket is not open', async () => {
    const { send, http, cached } = setup(() => null);
    expect(await send(pending)).toEqual({ ok: true });
    expect(http).toHaveLength(1);
    expect(cached('c1-m4')?.body).toBe('over http');
  });

  it('keeps the message for a retry when the socket fails before answering', async () => {
    const { send, http } = setup(() => Promise.reject(new Error('The connection closed.')));
    expect(await send(pending)).toEqual({
      ok: false,
      retryable: true,
      error: 'No connection. Check your network and try again.',
    });
    expect(http).toEqual([]);
  });

  it('maps refusals over the socket as over HTTP: retry rate limits, give up on the rest', async () => {
    expect(await setup(() => refusal('RATE_LIMITED')).send(pending)).toMatchObject({
      ok: false,
      retryable: true,
    });
    expect(await setup(() => refusal('FORBIDDEN')).send(pending)).toEqual({
      ok: false,
      retryable: false,
      error: 'You are not allowed to do that.',
    });
    // The person sees plain words, not the server's developer wording.
    expect(await setup(() => refusal('BAD_USER_INPUT', 'Body is too long')).send(pending)).toEqual({
      ok: false,
      retryable: false,
      error: 'Please check what you entered and try again.',
    });
  });
});
