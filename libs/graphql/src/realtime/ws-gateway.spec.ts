import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, GraphQLObjectType } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  Authenticate,
  Authenticated,
  ConversationRepository,
  DomainError,
  InMemoryRateLimiter,
  MessageRepository,
  PresenceService,
  UserRepository,
} from '@chatter/core';
import { WsGateway, WsGatewayOptions } from './ws-gateway';

const schema = buildSchema('type Query { hello: String } type Subscription { chatEvents: String }');
(schema.getType('Query') as GraphQLObjectType).getFields().hello!.resolve = (
  _r,
  _a,
  ctx: { actor: Authenticated },
) => `hi ${ctx.actor.userId} $& \u2028`;

const authenticate = {
  execute: async (authorization: string | null): Promise<Authenticated> => {
    const user = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    if (!user) throw new DomainError('UNAUTHENTICATED', 'no token');
    return {
      tenantId: 't',
      userId: user,
      sessionId: `s-${user}`,
      expiresAt: new Date(Date.now() + 3_600_000),
    };
  },
} as unknown as Authenticate;
const presence = {
  connected: async () => undefined,
  disconnected: async () => undefined,
  heartbeat: async () => undefined,
  active: async () => undefined,
  sweep: async () => undefined,
} as unknown as PresenceService;
const options: WsGatewayOptions = {
  path: '/graphql',
  maxPayloadBytes: 65_536,
  maxBufferedBytes: 1_000_000,
  slowConsumerMs: 10_000,
  keepAliveMs: 12_000,
  connectionInitWaitTimeoutMs: 3_000,
  limits: {
    maxDepth: 10,
    maxAliases: 10,
    maxComplexity: 1_000,
    maxDirectives: 10,
    maxExpensiveFields: 2,
    introspection: false,
  },
  isOriginAllowed: (origin) => origin === undefined,
  trustProxy: false,
  maxSocketsPerIp: 0,
  connectsPerIp: { limit: 0, windowMs: 10_000 },
  perUser: { maxSocketsPerUser: 0, maxSubscriptionsPerUser: 0 },
};

let server: Server | null = null;
let gateway: WsGateway | null = null;
afterEach(async () => {
  await gateway?.drain();
  await new Promise((r) => server?.close(r));
  server = gateway = null;
});

async function start(): Promise<string> {
  server = createServer();
  const counts = { opened: 0 };
  gateway = new WsGateway(
    schema,
    {
      authenticate,
      presence,
      conversations: {} as ConversationRepository,
      users: {} as UserRepository,
      messages: {} as MessageRepository,
      presenceTtlMs: 60_000,
      limiter: new InMemoryRateLimiter(),
    },
    options,
    {
      socketOpened: () => counts.opened++,
      socketClosed: () => undefined,
      socketRefused: () => undefined,
      subscriptionStarted: () => undefined,
      subscriptionEnded: () => undefined,
      eventDelivered: () => undefined,
    },
    { info: () => undefined, warn: () => undefined, error: () => undefined },
    (formatted) => formatted,
  );
  gateway.attach(server);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

/** Opens a socket, authenticates as `user`, and collects frames and the close. */
async function client(url: string, user: string) {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const frames: { id?: string; type: string; payload?: unknown }[] = [];
  let closed: { code: number; reason: string } | null = null;
  ws.on('message', (d) => frames.push(JSON.parse(String(d))));
  ws.on('close', (code, reason) => (closed = { code, reason: String(reason) }));
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  ws.send(
    JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user}` } }),
  );
  const until = async (p: () => boolean) => {
    for (let i = 0; i < 200 && !p(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(p()).toBe(true);
  };
  await until(() => frames.some((f) => f.type === 'connection_ack'));
  return { ws, frames, until, closed: () => closed };
}

describe('WsGateway (its stages composed on a real HTTP server)', () => {
  it('authenticates, runs operations with the actor in context, and answers exactly', async () => {
    const url = await start();
    const ada = await client(url, 'ada');
    ada.ws.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: '{ hello }' } }));
    await ada.until(() => ada.frames.some((f) => f.type === 'complete'));
    expect(ada.frames.find((f) => f.type === 'next')).toEqual({
      id: 'q',
      type: 'next',
      payload: { data: { hello: 'hi ada $& \u2028' } },
    });
    expect(gateway!.openSockets).toBe(1);
    ada.ws.close();
  });

  it('hands graphql-ws what each frame says: bad JSON and bad messages get 4400, subscribes run', async () => {
    const url = await start();
    const ada = await client(url, 'ada');
    const query = '{ hello } # \u202e $& \u0000 \ud83d\ude00';
    for (const id of ['a', 'b'])
      ada.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query } }));
    await ada.until(() => ada.frames.filter((f) => f.type === 'complete').length === 2);
    expect(ada.frames.filter((f) => f.type === 'next').map((f) => [f.id, f.payload])).toEqual([
      ['a', { data: { hello: 'hi ada $& \u2028' } }],
      ['b', { data: { hello: 'hi ada $& \u2028' } }],
    ]);
    ada.ws.close();
    for (const frame of ['{"type":"subscribe"', '"subscribe"', 'null', '{"type":"nonsense"}']) {
      const bob = await client(url, 'bob');
      bob.ws.send(frame);
      await bob.until(() => bob.closed() !== null);
      expect(bob.closed()).toEqual({ code: 4400, reason: 'Invalid message received' });
    }
  });

  it('closes the sockets a hook picks, and only those', async () => {
    const url = await start();
    const [ada1, bob, ada2] = [
      await client(url, 'ada'),
      await client(url, 'bob'),
      await client(url, 'ada'),
    ];
    expect(
      gateway!.closeSocketsWhere(
        (s) => s.actor?.userId === 'ada',
        4403,
        'Forbidden: session revoked',
      ),
    ).toBe(2);
    await ada1.until(() => ada1.closed() !== null);
    await ada2.until(() => ada2.closed() !== null);
    expect(ada1.closed()).toEqual({ code: 4403, reason: 'Forbidden: session revoked' });
    expect(bob.closed()).toBeNull();
    await bob.until(() => gateway!.openSockets === 1);
    bob.ws.close();
  });

  it('drains: open sockets get 1001 and new upgrades 503', async () => {
    const url = await start();
    const ada = await client(url, 'ada');
    const draining = gateway!.drain();
    await ada.until(() => ada.closed() !== null);
    expect(ada.closed()!.code).toBe(1001);
    await draining;
    const late = new WebSocket(url, 'graphql-transport-ws');
    const status = await new Promise<number | undefined>((r) =>
      late
        .on('unexpected-response', (_req, res) => r(res.statusCode))
        .on('error', () => r(undefined)),
    );
    expect(status).toBe(503);
    gateway = null;
  });
});
