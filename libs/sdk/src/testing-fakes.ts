// Fakes of the network edges for the SDK's specs: a GraphQL-over-HTTP server answering by
// operation name, and a graphql-ws client whose subscription the spec drives.
import type { Client, Sink } from 'graphql-ws';
import type { FetchLike } from './graphql-http';

export type Answer = { status?: number; body?: unknown } | Error;
export type Route = (variables: Record<string, unknown>, token: string | undefined) => Answer;

export interface FakeServer {
  fetch: FetchLike;
  calls: { operation: string; variables: Record<string, unknown>; token: string | undefined }[];
}

export function fakeServer(routes: Record<string, Route>): FakeServer {
  const calls: FakeServer['calls'] = [];
  const fetch: FetchLike = async (_url, init) => {
    const { query, variables } = JSON.parse(init.body) as {
      query: string;
      variables: Record<string, unknown>;
    };
    const operation = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '?';
    const token = init.headers['authorization']?.replace(/^Bearer /, '');
    calls.push({ operation, variables, token });
    const route = routes[operation];
    if (!route) throw new Error(`fake server: no route for ${operation}`);
    const answer = route(variables, token);
    if (answer instanceof Error) throw answer;
    return { status: answer.status ?? 200, json: async () => answer.body };
  };
  return { fetch, calls };
}

export interface FakeSocket {
  client: Client;
  /** The sink of the latest subscription, and the variables it was (re)subscribed with. */
  sink(): Sink;
  subscriptions: { variables: unknown; query?: string; extensions?: unknown }[];
}

export function fakeSocket(): FakeSocket {
  let current: Sink | undefined;
  const subscriptions: FakeSocket['subscriptions'] = [];
  const client = {
    subscribe(payload: { variables?: unknown; query?: string; extensions?: unknown }, sink: Sink) {
      subscriptions.push({
        variables: JSON.parse(JSON.stringify(payload.variables ?? null)),
        query: payload.query,
        extensions: payload.extensions,
      });
      current = sink;
      return () => (current = undefined);
    },
    dispose: async () => undefined,
    terminate: () => undefined,
    on: () => () => undefined,
    iterate: () => {
      throw new Error('not used');
    },
  } as unknown as Client;
  return {
    client,
    subscriptions,
    sink: () => {
      if (!current) throw new Error('no subscription');
      return current;
    },
  };
}

export const message = (conversationId: string, seq: number, body = `m${seq}`) => ({
  __typename: 'Message' as const,
  id: `${conversationId}-${seq}`,
  conversationId,
  seq,
  clientMessageId: null,
  body,
  editedAt: null,
  deletedAt: null,
  createdAt: new Date(0).toISOString(),
  readBy: 0,
  deliveredTo: 0,
  mentionsAll: false,
  mentionsMe: false,
  mentions: [],
  sender: { __typename: 'User' as const, id: 'u2', name: 'Ann', isBot: false },
  replyTo: null,
  reactions: [],
  attachments: [],
  call: null,
  threadRootId: null,
  forwarded: false,
  starredByMe: false,
  thread: null,
});
