// ChatterClient.deliver: which transport one send attempt takes, and what each answer means
// (the web app's outbox and send() both send through it).
import { describe, expect, it } from 'vitest';
import type { Client, Sink } from 'graphql-ws';
import { ChatterClient } from './chatter-client';
import { ChatterError } from './errors';
import type { PendingMessage } from './outbox';
import { fakeServer, message } from './testing-fakes';

const pending: PendingMessage = {
  clientMessageId: 'k-1',
  conversationId: 'c1',
  body: 'hello',
  replyToId: null,
  createdAt: '2026-01-01T12:00:00.000Z',
  status: 'sending',
  attempts: 1,
};

type Payload = { query: string; variables?: unknown; extensions?: unknown };

/** A graphql-ws client that answers one-off operations with `answer` and can be (dis)connected. */
function socketWith(answer: (payload: Payload, sink: Sink) => void) {
  const listeners: Record<string, ((event?: unknown) => void)[]> = {};
  const payloads: Payload[] = [];
  const client = {
    subscribe(payload: Payload & { operationName?: string }, sink: Sink) {
      if (payload.operationName !== 'ChatEvents') {
        payloads.push(payload);
        answer(payload, sink);
      }
      return () => undefined;
    },
    on(event: string, listener: (event?: unknown) => void) {
      (listeners[event] ??= []).push(listener);
      return () => undefined;
    },
    dispose: async () => undefined,
    terminate: () => undefined,
  } as unknown as Client;
  const fire = (event: string) => listeners[event]?.forEach((l) => l({ code: 1006 }));
  return { client, payloads, fire };
}

async function setup(answer: (payload: Payload, sink: Sink) => void) {
  const server = fakeServer({
    SendMessage: (v) => ({
      body: { data: { sendMessage: message('c1', 4, (v['input'] as { body: string }).body) } },
    }),
  });
  const socket = socketWith(answer);
  const client = new ChatterClient({
    url: 'http://chat.test',
    token: 't',
    userId: 'me',
    fetch: server.fetch,
    socket: socket.client,
  });
  await client.follow({}, { seeded: true });
  return { client, server, socket };
}

describe('ChatterClient.deliver', () => {
  it('sends over the open socket by the persisted hash, with no HTTP request', async () => {
    const { client, server, socket } = await setup((_p, sink) => {
      sink.next({ data: { sendMessage: message('c1', 3, 'hello') } });
      sink.complete();
    });
    socket.fire('connected');
    const outcome = await client.deliver(pending);
    expect(outcome).toMatchObject({ ok: true, message: { seq: 3, body: 'hello' } });
    expect(server.calls).toEqual([]);
    expect(socket.payloads[0]).toMatchObject({
      variables: { input: { conversationId: 'c1', clientMessageId: 'k-1', body: 'hello' } },
      extensions: {
        persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    });
  });

  it('uses HTTP while the socket is not open, naming the document by its hash too', async () => {
    const { client, server, socket } = await setup(() => undefined);
    socket.fire('connected');
    socket.fire('closed');
    expect(client.getStatus()).toBe('connecting');
    expect(await client.deliver(pending)).toMatchObject({ ok: true, message: { seq: 4 } });
    expect(server.calls.map((c) => c.operation)).toEqual(['SendMessage']);
    expect(socket.payloads).toEqual([]);
  });

  it('keeps the message for a retry when the socket fails before answering', async () => {
    const { client, socket } = await setup((_p, sink) => sink.error(new Error('closed')));
    socket.fire('connected');
    expect(await client.deliver(pending)).toMatchObject({ ok: false, retryable: true });
  });

  it('retries rate limits and gives up on refusals, with the server code in the cause', async () => {
    const refuse = (code: string) => (_p: Payload, sink: Sink) =>
      sink.error([{ message: 'no', extensions: { code } }] as never);
    const limited = await setup(refuse('RATE_LIMITED'));
    limited.socket.fire('connected');
    expect(await limited.client.deliver(pending)).toMatchObject({ ok: false, retryable: true });
    const refused = await setup(refuse('FORBIDDEN'));
    refused.socket.fire('connected');
    const outcome = await refused.client.deliver(pending);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(!outcome.ok && outcome.cause).toBeInstanceOf(ChatterError);
    expect(!outcome.ok && (outcome.cause as ChatterError).code).toBe('FORBIDDEN');
  });
});
