import { SignJWT } from 'jose';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiProcess,
  Collector,
  gql,
  removeDataDir,
  Session,
  signUp,
  sleep,
  wsClient,
} from '../support';
import {
  expectCode,
  expectNoUnexpectedErrors,
  logIn,
  LOGOUT,
  me,
  REFRESH,
  sendText,
  startBuiltApi,
  tamperedToken,
  unsignedToken,
} from './identity-helpers';

/** Resolves with the close code of the client's socket. */
function closed(client: Client, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`socket not closed within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.on('closed', (event) => {
      clearTimeout(timer);
      resolve((event as { code: number }).code);
    });
  });
}

const STREAM = 'subscription { chatEvents { __typename } }';

describe('sessions: refresh rotation, logout, forged tokens', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startBuiltApi();
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const refresh = (token: string) => gql(api, REFRESH, { r: token });

  it('rotates refresh tokens: each new one works once', async () => {
    const s = await signUp(api, 'Rota');
    const r1 = await refresh(s.refreshToken);
    expect(r1.errors).toBeUndefined();
    const p1 = r1.data!.refreshSession;
    expect(p1.user.id).toBe(s.userId);
    expect(p1.refreshToken).not.toBe(s.refreshToken);
    expect((await me(api, p1.accessToken)).data?.me.id).toBe(s.userId);

    const r2 = await refresh(p1.refreshToken);
    expect(r2.errors).toBeUndefined();
    expect(r2.data!.refreshSession.refreshToken).not.toBe(p1.refreshToken);
    expect((await me(api, r2.data!.refreshSession.accessToken)).data?.me.id).toBe(s.userId);
  });

  it('revokes the whole session when an old refresh token is reused', async () => {
    const s = await signUp(api, 'Reuse');
    const p1 = (await refresh(s.refreshToken)).data!.refreshSession;
    const p2 = (await refresh(p1.refreshToken)).data!.refreshSession;
    expect((await me(api, p2.accessToken)).data?.me.id).toBe(s.userId);

    // Somebody replays the first (rotated) refresh token.
    expectCode(await refresh(s.refreshToken), 'TOKEN_REVOKED');
    // The newest refresh token is dead too…
    expectCode(await refresh(p2.refreshToken), 'TOKEN_REVOKED');
    // …and so are the access tokens of the session, at once.
    expectCode(await me(api, p2.accessToken), 'TOKEN_REVOKED');
    expectCode(await me(api, s.accessToken), 'TOKEN_REVOKED');
  });

  it('logout ends the session: its refresh token and access token answer TOKEN_REVOKED; other sessions live on', async () => {
    const s = await signUp(api, 'Leaver');
    // A second device of the same user.
    const other = await logIn(api, s.phone);
    expect(other.user.id).toBe(s.userId);

    expect((await me(api, s.accessToken)).data?.me.id).toBe(s.userId);
    const out = await gql(api, LOGOUT, { r: s.refreshToken });
    expect(out).toEqual({ data: { logout: true } });

    expectCode(await refresh(s.refreshToken), 'TOKEN_REVOKED');
    expectCode(await me(api, s.accessToken), 'TOKEN_REVOKED');
    expect((await me(api, other.accessToken)).data?.me.id).toBe(s.userId);
    expect((await refresh(other.refreshToken)).errors).toBeUndefined();
  });

  it('logout with an unknown or malformed refresh token changes nothing', async () => {
    const s = await signUp(api, 'Stayer');
    for (const token of ['', 'garbage', 'x'.repeat(10_000), s.accessToken]) {
      const result = await gql(api, LOGOUT, { r: token });
      if (result.errors) expectCode(result, 'UNAUTHENTICATED');
      else expect(result.data?.logout).toBe(false);
    }
    expectCode(await gql(api, 'mutation { logout }'), 'GRAPHQL_VALIDATION_FAILED');
    expectCode(
      await gql(api, 'mutation { logout(refreshToken: 42) }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect((await me(api, s.accessToken)).data?.me.id).toBe(s.userId);
    expect((await refresh(s.refreshToken)).errors).toBeUndefined();
  });

  it('refuses forged, tampered, unsigned and garbage bearer tokens with UNAUTHENTICATED', async () => {
    const victim = await signUp(api, 'Victim');
    const attacker = await signUp(api, 'Attacker');
    const claims = JSON.parse(
      Buffer.from(attacker.accessToken.split('.')[1]!, 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const otherKey = new TextEncoder().encode('not-the-server-secret-but-long-enough-0123456789');
    const forged = [
      tamperedToken(attacker.accessToken, { sub: victim.userId }),
      tamperedToken(attacker.accessToken, { exp: now + 365 * 86_400 }),
      unsignedToken({ ...claims, sub: victim.userId }),
      unsignedToken(claims),
      `${attacker.accessToken.split('.').slice(0, 2).join('.')}.`,
      await new SignJWT({ ...claims, sub: victim.userId })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(otherKey),
      await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS512' }).sign(otherKey),
      'garbage',
      'a.b.c',
      '...',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0',
      'x'.repeat(10_000),
      attacker.refreshToken,
    ];
    for (const token of forged) {
      const result = await me(api, token);
      expectCode(result, 'UNAUTHENTICATED');
      expect(result.data ?? null).toBeNull();
    }
    for (const header of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer ',
      `Token ${attacker.accessToken}`,
      `Bearer ${attacker.accessToken} extra`,
      'Bearer a b',
      'Bearer \tabc',
    ]) {
      expectCode(
        await gql(api, '{ me { id } }', {}, undefined, { authorization: header }),
        'UNAUTHENTICATED',
      );
    }
    // A mutation with a forged token changes nothing.
    expectCode(
      await gql(
        api,
        'mutation { updateProfile(input: { name: "Pwned" }) { id } }',
        {},
        tamperedToken(attacker.accessToken, { sub: victim.userId }),
      ),
      'UNAUTHENTICATED',
    );
    expect((await me(api, victim.accessToken)).data?.me.name).toBe('Victim');
    expect((await me(api, attacker.accessToken)).data?.me.name).toBe('Attacker');
  });

  it('refuses garbage refresh tokens with UNAUTHENTICATED', async () => {
    const s = await signUp(api, 'Refresher');
    for (const token of [
      '',
      'garbage',
      'x'.repeat(100),
      'x'.repeat(10_000),
      s.accessToken,
      `${s.refreshToken}x`,
    ]) {
      expectCode(await refresh(token), 'UNAUTHENTICATED');
    }
    expectCode(
      await gql(api, 'mutation { refreshSession { accessToken } }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectCode(
      await gql(api, 'mutation { refreshSession(refreshToken: 1) { accessToken } }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
    // The real token still rotates: nothing above touched the session.
    expect((await refresh(s.refreshToken)).errors).toBeUndefined();
  });

  it('closes a graphql-ws socket with 4403 when its session is revoked, and refuses revoked tokens at connect', async () => {
    const s: Session = await signUp(api, 'Socket');
    const client = wsClient(api, s.accessToken);
    const closing = closed(client);
    const stream = new Collector(client, STREAM);
    try {
      await sleep(300); // the subscription is running
      expect(stream.errors).toEqual([]);
      expect((await gql(api, LOGOUT, { r: s.refreshToken })).data?.logout).toBe(true);
      expect(await closing).toBe(4403);
    } finally {
      stream.stop();
      await client.dispose();
    }

    await sleep(2_100); // past any per-instance caching of session state
    const again = wsClient(api, s.accessToken);
    try {
      expect(await closed(again)).toBe(4403);
    } finally {
      await again.dispose();
    }
  });

  it('a socket whose session was revoked cannot start a subscription or receive events afterwards', async () => {
    const s = await signUp(api, 'Idle Socket');
    const friend = await signUp(api, 'Socket Friend');
    const dm = (
      await gql(
        api,
        'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
        { u: s.userId },
        friend.accessToken,
      )
    ).data!.openDirectConversation.id as string;
    const client = wsClient(api, s.accessToken);
    let closeCode: number | null = null;
    client.on('closed', (event) => (closeCode = (event as { code: number }).code));
    await new Promise<void>((resolve) => client.on('connected', () => resolve()));

    let stream: Collector | null = null;
    try {
      expect((await gql(api, LOGOUT, { r: s.refreshToken })).data?.logout).toBe(true);
      await sleep(2_100); // past any per-instance caching of session state
      stream = new Collector(
        client,
        'subscription { chatEvents { __typename ... on MessageAdded { message { body } } } }',
      );
      await sleep(500);
      expect((await sendText(api, friend, dm, 'sent after the logout')).errors).toBeUndefined();
      await sleep(1_000);

      expect(stream.items).toEqual([]);
      const refused =
        closeCode === 4403 ||
        JSON.stringify(stream.errors).match(/TOKEN_REVOKED|UNAUTHENTICATED|4403/) !== null;
      expect(refused, `close code ${closeCode}, errors ${JSON.stringify(stream.errors)}`).toBe(
        true,
      );
    } finally {
      stream?.stop();
      await client.dispose();
    }
  });

  it('refuses forged and garbage tokens at WebSocket connect with 4403', async () => {
    const s = await signUp(api, 'Forger');
    const claims = JSON.parse(
      Buffer.from(s.accessToken.split('.')[1]!, 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    for (const token of [
      'garbage',
      unsignedToken(claims),
      tamperedToken(s.accessToken, { sub: '00000000-0000-4000-8000-000000000000' }),
      'x'.repeat(5_000),
    ]) {
      const client = wsClient(api, token);
      expect(await closed(client)).toBe(4403);
      await client.dispose();
    }
  });
});

describe('sessions: expired access tokens (ACCESS_TOKEN_TTL_SECONDS=5)', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startBuiltApi({ ACCESS_TOKEN_TTL_SECONDS: '5' });
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  it('closes a graphql-ws client with 4403 when its token expires, refuses the expired token at connect and over HTTP, and refresh still works', async () => {
    const s = await signUp(api, 'Shortlived');
    const issuedAt = Date.now();
    const client = wsClient(api, s.accessToken);
    const connected = new Promise<boolean>((resolve) => {
      client.on('connected', () => resolve(true));
      client.on('closed', () => resolve(false));
    });
    const closing = closed(client, 15_000);
    const stream = new Collector(client, STREAM);
    try {
      expect(await connected).toBe(true); // the socket was accepted while the token was valid…
      expect(await closing).toBe(4403); // …and closed when it expired
      expect(Date.now() - issuedAt).toBeLessThan(14_000);
    } finally {
      stream.stop();
      await client.dispose();
    }

    // Connecting with the expired token: 4403.
    const late = wsClient(api, s.accessToken);
    expect(await closed(late)).toBe(4403);
    await late.dispose();

    // Over HTTP: TOKEN_EXPIRED.
    expectCode(await me(api, s.accessToken), 'TOKEN_EXPIRED');

    // The refresh token outlives the access token.
    const renewed = await gql(api, REFRESH, { r: s.refreshToken });
    expect(renewed.errors).toBeUndefined();
    expect((await me(api, renewed.data!.refreshSession.accessToken)).data?.me.id).toBe(s.userId);
  });
});
