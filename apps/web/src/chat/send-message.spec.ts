// What the outbox's sender does with each answer the SDK's deliver() gives: the stored message
// goes into the cache, a refusal into words a person understands (transport: libs/sdk).
import { describe, expect, it } from 'vitest';
import { ApolloClient, ApolloLink } from '@apollo/client';
import { MessageFieldsFragmentDoc, type MessageFieldsFragment } from '@chatter/client';
import { ChatterError, NetworkError, type PendingMessage, type SendOutcome } from '@chatter/sdk';
import { createCache } from '../apollo/apollo-client';
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

function setup(outcome: SendOutcome) {
  const client = new ApolloClient({ cache: createCache(), link: ApolloLink.empty() });
  const delivered: PendingMessage[] = [];
  const send = createSender(client, async (m) => {
    delivered.push(m);
    return outcome;
  });
  const cached = (id: string) =>
    client.cache.readFragment<MessageFieldsFragment>({
      id: `Message:${id}`,
      fragment: MessageFieldsFragmentDoc,
      fragmentName: 'MessageFields',
    });
  return { send, delivered, cached };
}

const refused = (code: string, text = 'refused'): SendOutcome => ({
  ok: false,
  retryable: false,
  error: text,
  cause: new ChatterError(code, text, [{ message: text, extensions: { code } }]),
});

describe('createSender', () => {
  it('puts the stored message into the cache', async () => {
    const stored = message('c1', 3, 'me', 'hello');
    const { send, delivered, cached } = setup({ ok: true, message: stored });
    expect(await send(pending)).toEqual({ ok: true, message: stored });
    expect(delivered).toEqual([pending]);
    expect(cached(stored.id)?.body).toBe('hello');
  });

  it('keeps the message for a retry when there was no answer, in plain words', async () => {
    const cause = new NetworkError('The connection closed.');
    expect(
      await setup({ ok: false, retryable: true, error: cause.message, cause }).send(pending),
    ).toMatchObject({
      ok: false,
      retryable: true,
      error: 'No connection. Check your network and try again.',
    });
  });

  it('says what a refusal means without the server developer wording', async () => {
    expect(await setup(refused('FORBIDDEN')).send(pending)).toMatchObject({
      ok: false,
      retryable: false,
      error: 'You are not allowed to do that.',
    });
    expect(await setup(refused('BAD_USER_INPUT', 'Body is too long')).send(pending)).toMatchObject({
      ok: false,
      retryable: false,
      error: 'Please check what you entered and try again.',
    });
  });
});
