import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ApolloClient,
  ApolloLink,
  from,
  HttpLink,
  InMemoryCache,
  NormalizedCacheObject,
} from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { DocumentNode, getIntrospectionQuery, print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChatEventsDocument,
  MeDocument,
  OpenDirectConversationDocument,
  RequestLoginCodeDocument,
  SendMessageDocument,
  VerifyLoginCodeDocument,
} from '@chatter/client';
import { ApiProcess, gql, GqlResult, nextPhone, removeDataDir, startApi } from '../support';
import { ackedSocket, rawGet, RawSocket } from './hardening-helpers';

/**
 * TRUSTED_DOCUMENTS: the API runs only the operations of the client manifest
 * (libs/client/src/generated/persisted-documents.json), sent by hash the way the web app's Apollo
 * Client sends them (persisted queries, queries over GET), over HTTP and WebSocket; everything
 * else is refused with PERSISTED_QUERY_NOT_IN_LIST. Introspection keeps its own setting.
 */
const ROOT = resolve(__dirname, '../../../..');
const manifest = JSON.parse(
  readFileSync(join(ROOT, 'libs/client/src/generated/persisted-documents.json'), 'utf8'),
) as Record<string, string>;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hashOf = (document: DocumentNode): string =>
  (document as { __meta__?: { hash: string } }).__meta__!.hash;
const byHash = (document: DocumentNode) => ({
  persistedQuery: { version: 1, sha256Hash: hashOf(document) },
});

interface Sent {
  method: string;
  url: string;
  body: string | undefined;
}

/** An Apollo Client set up as the web app's (apps/web/src/apollo): hashes, GET for queries. */
function apolloClient(api: ApiProcess, token?: string, sent: Sent[] = []) {
  const headers = new ApolloLink((operation, forward) => {
    operation.setContext(({ headers: h = {} }: { headers?: Record<string, string> }) => ({
      headers: {
        ...h,
        'x-apollo-operation-name': operation.operationName,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    }));
    return forward(operation);
  });
  const recordingFetch: typeof fetch = (input, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: String(input),
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return fetch(input, init);
  };
  return new ApolloClient<NormalizedCacheObject>({
    cache: new InMemoryCache(),
    link: from([
      headers,
      createPersistedQueryLink({ generateHash: hashOf, useGETForHashedQueries: true }),
      new HttpLink({ uri: `${api.url}/graphql`, fetch: recordingFetch }),
    ]),
  });
}

async function signIn(api: ApiProcess, name: string) {
  const anonymous = apolloClient(api);
  const phone = nextPhone();
  await anonymous.mutate({ mutation: RequestLoginCodeDocument, variables: { phone } });
  const code = await api.loginCode(phone);
  const verified = await anonymous.mutate({
    mutation: VerifyLoginCodeDocument,
    variables: { phone, code, name },
  });
  const session = verified.data!.verifyLoginCode;
  return { token: session.accessToken, userId: session.user.id, name };
}

/** One operation over a raw graphql-ws socket: its first result or its refusal. */
let opCounter = 0;
async function overSocket(
  socket: RawSocket,
  payload: Record<string, unknown>,
): Promise<{ kind: string; result: GqlResult }> {
  const id = `trusted-${++opCounter}`;
  socket.send({ id, type: 'subscribe', payload });
  const m = await socket.next(
    (x) => x.id === id && (x.type === 'next' || x.type === 'error'),
    10_000,
    `result of ${id}`,
  );
  return m.type === 'error'
    ? { kind: 'error', result: { errors: m.payload as GqlResult['errors'] } }
    : { kind: 'next', result: m.payload as GqlResult };
}

const codeOfAnswer = (json: GqlResult | null) => json?.errors?.[0]?.extensions?.code;

describe('TRUSTED_DOCUMENTS=on', () => {
  let api: ApiProcess;
  let ada: Awaited<ReturnType<typeof signIn>>;
  let ben: Awaited<ReturnType<typeof signIn>>;
  let socket: RawSocket;

  beforeAll(async () => {
    api = await startApi({ TRUSTED_DOCUMENTS: 'on' });
    ada = await signIn(api, 'Ada');
    ben = await signIn(api, 'Ben');
    socket = await ackedSocket(api, ada.token);
  }, 60_000);

  afterAll(async () => {
    socket?.ws.terminate();
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it("runs the web app's operations sent by hash: queries over GET, mutations over POST, never their text", async () => {
    const sent: Sent[] = [];
    const client = apolloClient(api, ada.token, sent);
    const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
    expect(me.data.me).toMatchObject({ __typename: 'User', id: ada.userId, name: 'Ada' });
    const opened = await client.mutate({
      mutation: OpenDirectConversationDocument,
      variables: { userId: ben.userId },
    });
    expect(opened.data!.openDirectConversation.kind).toBe('DIRECT');
    expect(sent.map((s) => s.method)).toEqual(['GET', 'POST']);
    expect(new URL(sent[0]!.url).searchParams.has('query')).toBe(false);
    expect(new URL(sent[0]!.url).searchParams.get('extensions')).toContain(hashOf(MeDocument));
    expect(JSON.parse(sent[1]!.body!)).not.toHaveProperty('query');
  });

  it('delivers a message sent by hash to a chatEvents subscription started by hash over WebSocket', async () => {
    const client = apolloClient(api, ada.token);
    const conversation = (
      await client.mutate({
        mutation: OpenDirectConversationDocument,
        variables: { userId: ben.userId },
      })
    ).data!.openDirectConversation;
    const received: unknown[] = [];
    const errors: unknown[] = [];
    const ws = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ben.token}` },
      retryAttempts: 0,
    });
    const dispose = ws.subscribe(
      // The web app sends the text too (graphql-ws requires one); the hash decides what runs.
      { query: print(ChatEventsDocument), extensions: byHash(ChatEventsDocument) },
      { next: (v) => received.push(v), error: (e) => errors.push(e), complete: () => undefined },
    );
    try {
      const body = `trusted 🔐 ${Date.now()}`;
      // The subscription may still be starting: send until the stream carries one.
      const until = Date.now() + 15_000;
      let n = 0;
      const delivered = () =>
        received.some((r) => JSON.stringify(r).includes(JSON.stringify(body).slice(1, -1)));
      while (!delivered()) {
        if (Date.now() > until || errors.length)
          throw new Error(`no MessageAdded: ${JSON.stringify({ received, errors })}`);
        await client.mutate({
          mutation: SendMessageDocument,
          variables: {
            input: { conversationId: conversation.id, clientMessageId: `t-${++n}`, body },
          },
        });
        await new Promise((r) => setTimeout(r, 300));
      }
      const event = received.find((r) => JSON.stringify(r).includes('MessageAdded')) as {
        data: { chatEvents: { __typename: string; message: { body: string } } };
      };
      expect(event.data.chatEvents.__typename).toBe('MessageAdded');
      expect(event.data.chatEvents.message.body).toBe(body);
    } finally {
      dispose();
      await ws.dispose();
    }
  }, 30_000);

  it('refuses ad hoc operations over HTTP (POST and GET) and WebSocket with PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const adHoc = '{ me { id name phone } }';
    const posted = await gql(api, adHoc, {}, ada.token);
    expect(codeOfAnswer(posted)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(posted.data).toBeUndefined();
    const got = await rawGet(api, `query=${encodeURIComponent(adHoc)}`, {
      authorization: `Bearer ${ada.token}`,
      'apollo-require-preflight': 'true',
    });
    expect(got.status).toBe(400);
    expect(codeOfAnswer(got.json)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const ws = await overSocket(socket, { query: adHoc });
    expect(ws.kind).toBe('error');
    expect(codeOfAnswer(ws.result)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // An automatic-persisted-query registration (text + its own hash) is refused too.
    const register = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ada.token}` },
      body: JSON.stringify({
        query: adHoc,
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(adHoc) } },
      }),
    });
    expect(register.status).toBe(400);
    expect(codeOfAnswer((await register.json()) as GqlResult)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // A hash the manifest does not have.
    const unknown = await overSocket(socket, {
      query: adHoc,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256('nothing') } },
    });
    expect(codeOfAnswer(unknown.result)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it("runs the manifest's text when a request names its hash, whatever text came with it", async () => {
    const ws = await overSocket(socket, {
      query: '{ __typename }',
      extensions: byHash(MeDocument),
    });
    expect(ws.kind).toBe('next');
    expect((ws.result.data as { me: { id: string } }).me.id).toBe(ada.userId);
    // The exact text of a manifest entry is trusted as it is.
    const text = manifest[hashOf(MeDocument)]!;
    const posted = await gql(api, text, {}, ada.token);
    expect((posted.data as { me: { id: string } }).me.id).toBe(ada.userId);
  });

  it('leaves introspection to INTROSPECTION (on here) and __typename free; CSRF prevention still holds for GET', async () => {
    const introspection = await gql(api, getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    expect(await gql(api, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    // A GET a cross-site page could make (no preflight header) is refused before it runs.
    const extensions = encodeURIComponent(JSON.stringify(byHash(MeDocument)));
    const simple = await rawGet(api, `extensions=${extensions}`, {
      authorization: `Bearer ${ada.token}`,
    });
    expect(simple.status).toBe(400);
    expect(simple.text).toMatch(/Cross-Site Request Forgery/);
    // The response to a GET by hash is not stored by caches (it is the caller's own data).
    const allowed = await rawGet(api, `extensions=${extensions}`, {
      authorization: `Bearer ${ada.token}`,
      'x-apollo-operation-name': 'Me',
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('cache-control')).toBe('no-store');
  });
});

describe('TRUSTED_DOCUMENTS=on in production (introspection off)', () => {
  let api: ApiProcess;
  let socket: RawSocket;
  let token: string;

  beforeAll(async () => {
    api = await startApi({
      NODE_ENV: 'production',
      ALLOW_LOG_SMS_IN_PRODUCTION: 'true',
      LOG_FORMAT: 'json',
      TRUSTED_DOCUMENTS: 'on',
    });
    token = (await signIn(api, 'Ada')).token;
    socket = await ackedSocket(api, token);
  }, 60_000);

  afterAll(async () => {
    socket?.ws.terminate();
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('refuses introspection over HTTP and WebSocket and runs trusted documents', async () => {
    const http = await gql(api, getIntrospectionQuery());
    expect(codeOfAnswer(http)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(http.data).toBeUndefined();
    const ws = await overSocket(socket, { query: getIntrospectionQuery() });
    expect(codeOfAnswer(ws.result)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const me = await apolloClient(api, token).query({ query: MeDocument });
    expect(me.data.me.name).toBe('Ada');
  });
});

describe('TRUSTED_DOCUMENTS off (the default): automatic persisted queries', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startApi({});
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  const persisted = (hash: string, query?: string) =>
    fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...(query ? { query } : {}),
        extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
      }),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as GqlResult }));

  it('answers manifest hashes on the first request, and registers other documents by hash', async () => {
    // RequestLoginCode by hash alone: the manifest knows it, no round trip needed.
    const phone = nextPhone();
    const known = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        variables: { phone },
        extensions: byHash(RequestLoginCodeDocument),
      }),
    });
    expect(((await known.json()) as GqlResult).data).toMatchObject({
      requestLoginCode: { sent: true },
    });
    const text = '{ __typename alias: __typename }';
    const first = await persisted(sha256(text));
    expect(codeOfAnswer(first.json)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await persisted(sha256(text), text)).json.data).toEqual({
      __typename: 'Query',
      alias: 'Query',
    });
    expect((await persisted(sha256(text))).json.data).toEqual({
      __typename: 'Query',
      alias: 'Query',
    });
    // Ad hoc text runs as usual.
    expect((await gql(api, '{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});
