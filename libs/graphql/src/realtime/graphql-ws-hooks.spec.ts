import fc from 'fast-check';
import { buildSchema, GraphQLObjectType } from 'graphql';
import { makeServer } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import {
  Authenticate,
  Authenticated,
  DomainError,
  PresenceService,
  RealtimeEvent,
} from '@chatter/core';
import { userText } from '@chatter/testing';
import type { Loaders } from '../context/loaders';
import { DocumentCache } from './document-cache';
import { FrameSender } from './frame-sender';
import { graphqlWsOptions, MAX_OPERATIONS_PER_SOCKET } from './graphql-ws-hooks';
import { SocketRegistry } from './socket-registry';
import { StreamIterator } from './stream-iterator';
import { UserAdmission } from './user-admission';
import { FakeSocket } from './testing/fake-socket';

const schema = buildSchema(`
  type Query { hello: String }
  type Subscription { chatEvents: ChatEvent }
  union ChatEvent = MessageAdded | ResyncRequired
  type MessageAdded { seq: Int! message: Message! }
  type ResyncRequired { conversationId: ID! reason: String! }
  type Message { id: ID! body: String }
`);
const streams: StreamIterator[] = [];
(schema.getType('Subscription') as GraphQLObjectType).getFields().chatEvents!.subscribe = () => {
  const stream = new StreamIterator();
  stream.stream = { stop: async () => undefined } as unknown as StreamIterator['stream'];
  streams.push(stream);
  return stream;
};
(schema.getType('Query') as GraphQLObjectType).getFields().hello!.resolve = () => 'a "$&" \u2028 b';

const presence = {
  connected: async () => undefined,
  disconnected: async () => undefined,
  heartbeat: async () => undefined,
  active: async () => undefined,
  sweep: async () => undefined,
} as unknown as PresenceService;
let revoked = false;
const authenticate = {
  execute: async (authorization: string | null): Promise<Authenticated> => {
    if (authorization !== 'Bearer ok' || revoked) throw new DomainError('UNAUTHENTICATED', 'no');
    return {
      tenantId: 't',
      userId: 'ada',
      sessionId: 's',
      expiresAt: new Date(Date.now() + 3_600_000),
    };
  },
} as unknown as Authenticate;
const limits = {
  maxDepth: 10,
  maxAliases: 10,
  maxComplexity: 1_000,
  maxDirectives: 10,
  maxExpensiveFields: 2,
  introspection: false,
};

function connect() {
  const sender = new FrameSender(
    { maxBufferedBytes: 1e9, slowConsumerMs: 1e9 },
    { warn: () => undefined },
  );
  const registry = new SocketRegistry(
    presence,
    { keepAliveMs: 60_000, presenceTtlMs: 60_000 },
    { warn: () => undefined },
  );
  const server = makeServer({
    ...graphqlWsOptions({
      schema,
      authenticate,
      presence,
      loaderRepos: {} as ConstructorParameters<typeof Loaders>[0],
      registry,
      documents: new DocumentCache(schema, limits),
      limits,
      users: new UserAdmission({ maxSocketsPerUser: 0, maxSubscriptionsPerUser: 0 }),
      sender,
      formatError: (formatted) => formatted,
      introspection: false,
      metrics: {
        subscriptionStarted: () => undefined,
        subscriptionEnded: () => undefined,
        eventDelivered: () => undefined,
      },
      logger: { error: () => undefined },
    }),
  });
  const ws = new FakeSocket();
  const state = ws.state();
  registry.opened(state);
  let onMessage: (data: string) => Promise<void> = async () => undefined;
  server.opened(
    {
      protocol: ws.protocol,
      send: (d) => sender.send(state, d),
      close: (c, r) => ws.close(c ?? 1000, r ?? ''),
      onMessage: (cb) => (onMessage = cb),
    },
    { state },
  );
  const message = (m: unknown) => onMessage(JSON.stringify(m));
  return { ws, state, message };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const event = (body: string, seq: number): RealtimeEvent => ({
  type: 'MESSAGE_ADDED',
  tenantId: 't',
  conversationId: 'c',
  seq,
  message: {
    id: `m${seq}`,
    tenantId: 't',
    conversationId: 'c',
    seq,
    senderId: 'ada',
    clientMessageId: 'k',
    body,
    replyToId: null,
    mentions: [],
    mentionsAll: false,
    call: null,
    createdAt: new Date(0),
    editedAt: null,
    deletedAt: null,
    expiresAt: null,
  },
});

describe('graphql-ws hooks (through the real graphql-ws server)', () => {
  it('refuses a bad token with 4403 and acknowledges a good one', async () => {
    const bad = connect();
    await bad.message({ type: 'connection_init', payload: { authorization: 'Bearer nope' } });
    expect(bad.ws.closed?.code).toBe(4403);
    const good = connect();
    await good.message({ type: 'connection_init', payload: { authorization: 'Bearer ok' } });
    expect(good.ws.sent).toEqual(['{"type":"connection_ack"}']);
    expect(good.state.actor?.userId).toBe('ada');
  });

  it('delivers any user text exactly, in valid JSON frames, to several shared subscriptions on one socket', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(userText({ maxPieces: 6 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('1', '$&', '"}', 'a\u2028b'),
        async (bodies, id) => {
          const { ws, message } = connect();
          await message({ type: 'connection_init', payload: { authorization: 'Bearer ok' } });
          const query =
            'subscription { chatEvents { __typename ... on MessageAdded { seq message { id body } } } }';
          const first = streams.length;
          void message({ id, type: 'subscribe', payload: { query } });
          void message({ id: `${id}-2`, type: 'subscribe', payload: { query } });
          await settle();
          const mine = streams.slice(first);
          expect(mine).toHaveLength(2);
          // The same event objects reach both subscriptions, as from the bus: one shared render.
          const events = bodies.map((b, i) => event(b, i + 1));
          for (const e of events) for (const s of mine) s.push({ kind: 'event', event: e });
          for (let i = 0; i < 20 && ws.sent.length < 1 + 2 * events.length; i++) await settle();
          const frames = ws.sent.slice(1).map(
            (f) =>
              JSON.parse(f) as {
                id: string;
                type: string;
                payload: { data: { chatEvents: { message: { body: string } } } };
              },
          );
          for (const opId of [id, `${id}-2`]) {
            const got = frames
              .filter((f) => f.id === opId)
              .map((f) => f.payload.data.chatEvents.message.body);
            expect(got).toEqual(bodies);
          }
          for (const f of frames) expect(f).toMatchObject({ type: 'next', payload: { data: {} } });
          for (const s of mine) await s.return();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('runs queries over the socket with exact text', async () => {
    const { ws, message } = connect();
    await message({ type: 'connection_init', payload: { authorization: 'Bearer ok' } });
    await message({ id: 'q', type: 'subscribe', payload: { query: '{ hello }' } });
    expect(ws.sent.slice(1).map((f) => JSON.parse(f))).toEqual([
      { id: 'q', type: 'next', payload: { data: { hello: 'a "$&" \u2028 b' } } },
      { id: 'q', type: 'complete' },
    ]);
  });

  it('caps operations per socket with RATE_LIMITED and frees a slot when one completes', async () => {
    const { ws, state, message } = connect();
    await message({ type: 'connection_init', payload: { authorization: 'Bearer ok' } });
    for (let i = 0; i < MAX_OPERATIONS_PER_SOCKET; i++)
      void message({
        id: `s${i}`,
        type: 'subscribe',
        payload: { query: 'subscription { chatEvents { __typename } }' },
      });
    await settle();
    expect(state.operations).toBe(MAX_OPERATIONS_PER_SOCKET);
    await message({ id: 'over', type: 'subscribe', payload: { query: '{ hello }' } });
    const refusal = JSON.parse(ws.sent[ws.sent.length - 1]!);
    expect(refusal).toMatchObject({
      id: 'over',
      type: 'error',
      payload: [{ extensions: { code: 'RATE_LIMITED' } }],
    });
    await message({ id: 's0', type: 'complete' });
    await settle();
    expect(state.operations).toBe(MAX_OPERATIONS_PER_SOCKET - 1);
  });

  it('checks the session again at each operation: a revoked one closes the socket with 4403', async () => {
    const { ws, message } = connect();
    await message({ type: 'connection_init', payload: { authorization: 'Bearer ok' } });
    revoked = true;
    try {
      await message({ id: 'q', type: 'subscribe', payload: { query: '{ hello }' } });
    } finally {
      revoked = false;
    }
    expect(ws.closed).toEqual({ code: 4403, reason: 'Forbidden: session revoked' });
  });

  it('refuses documents that do not parse or validate, with the HTTP codes', async () => {
    const { ws, message } = connect();
    await message({ type: 'connection_init', payload: { authorization: 'Bearer ok' } });
    await message({ id: 'a', type: 'subscribe', payload: { query: '{ hello ' } });
    await message({ id: 'b', type: 'subscribe', payload: { query: 'x'.repeat(20_001) } });
    const [a, b] = ws.sent.slice(1).map((f) => JSON.parse(f));
    expect(a).toMatchObject({
      id: 'a',
      type: 'error',
      payload: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }],
    });
    expect(b).toMatchObject({
      id: 'b',
      type: 'error',
      payload: [{ extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });
});
