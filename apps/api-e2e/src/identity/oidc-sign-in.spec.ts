import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@chatter/testing';
import {
  ApiProcess,
  codeOf,
  dataOf,
  gql,
  ok,
  removeDataDir,
  Session,
  signUp,
  startApi,
} from '../support';
import { loginAtProvider, TestOpenIdProvider } from '../support/oidc-test-provider';
import { expectCode, expectNoUnexpectedErrors } from './identity-helpers';

const ADMIN = 'oidc-e2e-admin-token-of-32-chars';
const SET_PROVIDER =
  'mutation($t:ID!,$i:OidcProviderInput!){ setTenantOidcProvider(tenantId:$t, input:$i){ id displayName hasClientSecret allowedDomains autoLinkVerifiedEmail } }';
const SIGN_IN =
  'mutation($c:String!){ signInWithOidc(code:$c){ accessToken refreshToken user { id name phone } } }';
const LINKED = '{ linkedAccounts { providerId displayName email } }';

/**
 * OpenID Connect end to end: a real OpenID Provider (oidc-provider) on a free port, a real API
 * process, and the browser's part played with fetch (redirects, the provider's login and consent
 * pages, the callback, then the web app's code exchange).
 */
describe('OpenID Connect sign-in', () => {
  const op = new TestOpenIdProvider();
  let api: ApiProcess;
  let publicUrl: string;

  const operator = (query: string, variables: Record<string, unknown>) =>
    gql(api, query, variables, undefined, { 'x-admin-token': ADMIN });

  /** The browser's trip: API start (or a link URL) → provider login → the callback's redirect. */
  async function throughProvider(startUrl: string, login: string): Promise<URL> {
    let authorizationUrl = startUrl;
    if (startUrl.startsWith(publicUrl)) {
      // As a browser navigates (wanting HTML): the web app's fallback must leave /auth alone.
      const start = await fetch(startUrl, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(start.status).toBe(302);
      authorizationUrl = start.headers.get('location')!;
    }
    const auth = new URL(authorizationUrl);
    expect(auth.origin).toBe(op.issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    const callbackUrl = await loginAtProvider(op.issuer, authorizationUrl, login);
    expect(callbackUrl.startsWith(`${publicUrl}/auth/oidc/callback?`)).toBe(true);
    return new URL(callbackUrl);
  }

  /** Opens the callback URL as the browser would; answers the fragment the web app gets. */
  async function callback(url: URL | string): Promise<URLSearchParams> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${publicUrl}/#`)).toBe(true);
    expect(location).not.toContain('accessToken');
    return new URLSearchParams(
      location.slice(location.indexOf('#') + 1).replace(/^\/settings\//, ''),
    );
  }

  async function signIn(provider: string, login: string): Promise<Session & { phone: string }> {
    const fragment = await callback(
      await throughProvider(`${publicUrl}/auth/oidc/default/${provider}/start`, login),
    );
    const code = fragment.get('oidc-code');
    expect(code, fragment.toString()).toBeTruthy();
    const data = await ok<{
      signInWithOidc: {
        accessToken: string;
        refreshToken: string;
        user: { id: string; name: string; phone: string | null };
      };
    }>(api, SIGN_IN, { c: code });
    const r = data.signInWithOidc;
    return {
      accessToken: r.accessToken,
      refreshToken: r.refreshToken,
      userId: r.user.id,
      name: r.user.name,
      phone: r.user.phone ?? '',
    };
  }

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const redirectUri = `${publicUrl}/auth/oidc/callback`;
    await op.start([
      { clientId: 'chatter', clientSecret: 'first-secret', redirectUri },
      { clientId: 'chatter-two', clientSecret: 'second-secret', redirectUri },
    ]);
    api = await startApi({ ADMIN_TOKEN: ADMIN, PUBLIC_URL: publicUrl }, { port });
    for (const [id, clientId, secret, extra] of [
      ['kc', 'chatter', 'first-secret', { autoLinkVerifiedEmail: true }],
      ['second', 'chatter-two', 'second-secret', { autoLinkVerifiedEmail: true }],
      ['corp', 'chatter', 'first-secret', { allowedDomains: ['Corp.Example'] }],
    ] as const) {
      const result = await operator(SET_PROVIDER, {
        t: 'default',
        i: {
          id,
          displayName: `Login ${id}`,
          issuer: op.issuer,
          clientId,
          clientSecret: secret,
          ...extra,
        },
      });
      expect(dataOf(result).setTenantOidcProvider).toMatchObject({ id, hasClientSecret: true });
    }
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
    await op.stop();
  });

  it('lists the providers for the sign-in page by name only, secrets never readable', async () => {
    const list = await ok(api, '{ oidcProviders { id displayName } }');
    expect(list.oidcProviders).toEqual([
      { id: 'corp', displayName: 'Login corp' },
      { id: 'kc', displayName: 'Login kc' },
      { id: 'second', displayName: 'Login second' },
    ]);
    expect((await ok(api, '{ oidcProviders(tenant: "nope") { id } }')).oidcProviders).toEqual([]);
    const full = dataOf(
      await operator(
        'query{ tenantOidcProviders(tenantId: "default"){ id allowedDomains hasClientSecret } }',
        {},
      ),
    );
    expect(JSON.stringify(full)).not.toContain('secret"');
    expect(full.tenantOidcProviders).toContainEqual({
      id: 'corp',
      allowedDomains: ['corp.example'],
      hasClientSecret: true,
    });
  });

  it('creates an account on the first sign-in, from the claims, and signs the same person in again', async () => {
    op.accounts.set('alice', {
      email: 'Alice@Example.com',
      email_verified: true,
      name: ' Alice\u202e Example ',
    });
    const first = await signIn('kc', 'alice');
    expect(first.name).toBe('Alice Example');
    expect(first.phone).toBe('');
    const me = await ok(api, '{ me { id name } }', {}, first.accessToken);
    expect(me.me.id).toBe(first.userId);
    const linked = await ok(api, LINKED, {}, first.accessToken);
    expect(linked.linkedAccounts).toEqual([
      { providerId: 'kc', displayName: 'Login kc', email: 'alice@example.com' },
    ]);
    const again = await signIn('kc', 'alice');
    expect(again.userId).toBe(first.userId);
    // The session works like a phone sign-in's: refresh rotates it.
    const refreshed = await ok(
      api,
      'mutation($r:String!){ refreshSession(refreshToken:$r){ user { id } } }',
      { r: again.refreshToken },
    );
    expect(refreshed.refreshSession.user.id).toBe(first.userId);
    // An OpenID-only account cannot drop its only way in.
    expectCode(
      await gql(api, 'mutation{ unlinkAccount(provider: "kc") }', {}, first.accessToken),
      'FORBIDDEN',
    );
  });

  it('hands the web app a one-time code: a second exchange is refused', async () => {
    op.accounts.set('dora', { email: 'dora@example.com', email_verified: true, name: 'Dora' });
    const fragment = await callback(
      await throughProvider(`${publicUrl}/auth/oidc/default/kc/start`, 'dora'),
    );
    const code = fragment.get('oidc-code')!;
    expect((await ok(api, SIGN_IN, { c: code })).signInWithOidc.user.name).toBe('Dora');
    expectCode(await gql(api, SIGN_IN, { c: code }), 'UNAUTHENTICATED');
    expectCode(await gql(api, SIGN_IN, { c: 'made-up' }), 'UNAUTHENTICATED');
  });

  it('refuses a tampered state, and the flow still completes with the real one', async () => {
    op.accounts.set('erin', { email: 'erin@example.com', email_verified: true, name: 'Erin' });
    const url = await throughProvider(`${publicUrl}/auth/oidc/default/kc/start`, 'erin');
    const tampered = new URL(url);
    tampered.searchParams.set('state', `${url.searchParams.get('state')}x`);
    expect((await callback(tampered)).get('oidc-error')).toBe('UNAUTHENTICATED');
    const missing = new URL(url);
    missing.searchParams.delete('state');
    expect((await callback(missing)).get('oidc-error')).toBe('UNAUTHENTICATED');
    expect((await callback(url)).get('oidc-code')).toBeTruthy();
  });

  it('refuses a replayed callback and a replayed authorization code', async () => {
    op.accounts.set('finn', { email: 'finn@example.com', email_verified: true, name: 'Finn' });
    const url = await throughProvider(`${publicUrl}/auth/oidc/default/kc/start`, 'finn');
    expect((await callback(url)).get('oidc-code')).toBeTruthy();
    // The same callback again: its state was used up.
    expect((await callback(url)).get('oidc-error')).toBe('UNAUTHENTICATED');
    // The used code under a fresh, valid state: the provider refuses it (and PKCE would too).
    const start = await fetch(`${publicUrl}/auth/oidc/default/kc/start`, { redirect: 'manual' });
    const freshState = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const replay = new URL(url);
    replay.searchParams.set('state', freshState);
    expect((await callback(replay)).get('oidc-error')).toBe('UNAUTHENTICATED');
  });

  it('refuses an e-mail domain the provider does not allow', async () => {
    op.accounts.set('gus', { email: 'gus@other.example', email_verified: true, name: 'Gus' });
    const refused = await callback(
      await throughProvider(`${publicUrl}/auth/oidc/default/corp/start`, 'gus'),
    );
    expect(refused.get('oidc-error')).toBe('FORBIDDEN');
    expect(refused.get('reason')).toBe('DOMAIN_NOT_ALLOWED');
    op.accounts.set('hana', { email: 'hana@corp.example', email_verified: false, name: 'Hana' });
    const unverified = await callback(
      await throughProvider(`${publicUrl}/auth/oidc/default/corp/start`, 'hana'),
    );
    expect(unverified.get('reason')).toBe('DOMAIN_NOT_ALLOWED');
    op.accounts.set('ivy', { email: 'ivy@corp.example', email_verified: true, name: 'Ivy' });
    expect((await signIn('corp', 'ivy')).name).toBe('Ivy');
  });

  it('links automatically by a verified e-mail only, never by an unverified one', async () => {
    op.accounts.set('carol', { email: 'carol@example.com', email_verified: true, name: 'Carol' });
    const carol = await signIn('kc', 'carol');
    // Another provider, same address, not verified: a separate account, nothing linked.
    op.accounts.set('carol-unverified', {
      email: 'carol@example.com',
      email_verified: false,
      name: 'Not Carol',
    });
    const stranger = await signIn('second', 'carol-unverified');
    expect(stranger.userId).not.toBe(carol.userId);
    expect((await ok(api, LINKED, {}, carol.accessToken)).linkedAccounts).toHaveLength(1);
    // Verified this time: the tenant allows it, so it joins Carol's account.
    op.accounts.set('carol-verified', {
      email: 'CAROL@example.com',
      email_verified: true,
      name: 'Carol 2',
    });
    const joined = await signIn('second', 'carol-verified');
    expect(joined.userId).toBe(carol.userId);
    const linked = await ok(api, LINKED, {}, carol.accessToken);
    expect(linked.linkedAccounts.map((a: { providerId: string }) => a.providerId)).toEqual([
      'kc',
      'second',
    ]);
    // With two ways in, one may go.
    expect(
      (await ok(api, 'mutation{ unlinkAccount(provider: "second") }', {}, carol.accessToken))
        .unlinkAccount,
    ).toBe(true);
  });

  it('lets a signed-in phone user link a provider, sign in with it, and unlink it', async () => {
    const bob = await signUp(api, 'Bob');
    const start = await ok(api, 'mutation{ startOidcLink(provider: "kc") }', {}, bob.accessToken);
    op.accounts.set('bob', {
      email: 'bob@example.com',
      email_verified: false,
      name: 'Bob at provider',
    });
    const fragment = await callback(await throughProvider(start.startOidcLink, 'bob'));
    expect(fragment.get('oidc-linked')).toBe('kc');
    expect((await ok(api, LINKED, {}, bob.accessToken)).linkedAccounts).toEqual([
      { providerId: 'kc', displayName: 'Login kc', email: 'bob@example.com' },
    ]);
    const viaProvider = await signIn('kc', 'bob');
    expect(viaProvider.userId).toBe(bob.userId);
    expect(viaProvider.name).toBe('Bob');
    // The identity belongs to Bob now: linking it to someone else is a conflict.
    const eve = await signUp(api, 'Eve');
    const eveStart = await ok(
      api,
      'mutation{ startOidcLink(provider: "kc") }',
      {},
      eve.accessToken,
    );
    expect(
      (await callback(await throughProvider(eveStart.startOidcLink, 'bob'))).get('oidc-error'),
    ).toBe('CONFLICT');
    // Bob has a phone: the provider may go, and phone sign-in keeps working.
    expect(
      (await ok(api, 'mutation{ unlinkAccount(provider: "kc") }', {}, bob.accessToken))
        .unlinkAccount,
    ).toBe(true);
    expect((await ok(api, LINKED, {}, bob.accessToken)).linkedAccounts).toEqual([]);
    expectCode(
      await gql(api, 'mutation{ unlinkAccount(provider: "kc") }', {}, bob.accessToken),
      'NOT_FOUND',
    );
    expect((await ok(api, '{ me { id phone } }', {}, bob.accessToken)).me).toEqual({
      id: bob.userId,
      phone: bob.phone,
    });
  });

  it('lets only operators and tenant owners configure providers, with checked input', async () => {
    const owner = await signUp(api, 'Owner');
    const member = await signUp(api, 'Member');
    dataOf(
      await operator(
        'mutation($u:ID!){ grantTenantRole(tenantId:"default", userId:$u, role: OWNER){ role } }',
        {
          u: owner.userId,
        },
      ),
    );
    const input = {
      id: 'owned',
      displayName: 'Owned',
      issuer: op.issuer,
      clientId: 'chatter',
      clientSecret: '',
    };
    const SET =
      'mutation($i:OidcProviderInput!){ setOidcProvider(input:$i){ id hasClientSecret } }';
    expectCode(await gql(api, SET, { i: input }, member.accessToken), 'FORBIDDEN');
    expectCode(
      await gql(api, '{ oidcProviderSettings { id } }', {}, member.accessToken),
      'FORBIDDEN',
    );
    expect((await ok(api, SET, { i: input }, owner.accessToken)).setOidcProvider).toEqual({
      id: 'owned',
      hasClientSecret: false,
    });
    expectCode(
      await gql(api, SET, { i: { ...input, issuer: 'http://example.com/' } }, owner.accessToken),
      'BAD_USER_INPUT',
      'issuer',
    );
    expectCode(
      await gql(api, SET, { i: { ...input, id: 'Bad Id' } }, owner.accessToken),
      'BAD_USER_INPUT',
      'id',
    );
    expectCode(
      await gql(api, SET, { i: { ...input, allowedDomains: ['$&'] } }, owner.accessToken),
      'BAD_USER_INPUT',
      'allowedDomains',
    );
    expect(
      (await ok(api, 'mutation{ removeOidcProvider(id: "owned") }', {}, owner.accessToken))
        .removeOidcProvider,
    ).toBe(true);
    expect(codeOf(await operator(SET_PROVIDER, { t: 'default', i: input }))).toBeUndefined();
    expect(codeOf(await gql(api, SET_PROVIDER, { t: 'default', i: input }))).toBe('FORBIDDEN');
    // Every change is in the tenant's audit log: who (null: an operator) and which provider;
    // refused attempts leave nothing.
    const audit = (
      await ok(
        api,
        '{ auditLog(first: 20){ edges { node { action actorId details { key value } } } } }',
        {},
        owner.accessToken,
      )
    ).auditLog.edges as {
      node: { action: string; actorId: string | null; details: { key: string; value: string }[] };
    }[];
    const changes = audit
      .map((e) => e.node)
      .filter((n) => n.action.startsWith('OIDC_PROVIDER_'))
      .reverse()
      .map((n) => ({
        action: n.action,
        actorId: n.actorId,
        provider: n.details.find((d) => d.key === 'providerId')?.value,
      }))
      .filter((c) => c.provider === 'owned');
    expect(changes).toEqual([
      { action: 'OIDC_PROVIDER_SAVED', actorId: owner.userId, provider: 'owned' },
      { action: 'OIDC_PROVIDER_REMOVED', actorId: owner.userId, provider: 'owned' },
      { action: 'OIDC_PROVIDER_SAVED', actorId: null, provider: 'owned' },
    ]);
    const unknown = await fetch(`${publicUrl}/auth/oidc/default/nope/start`, {
      redirect: 'manual',
    });
    expect(unknown.headers.get('location')).toBe(`${publicUrl}/#oidc-error=NOT_FOUND`);
    expectNoUnexpectedErrors(api);
  });

  it('never lets a provider point the server at a private address', async () => {
    // Saving takes any https issuer; the server's requests to it are what the network policy
    // holds (OIDC_ALLOW_PRIVATE_RANGES, loopback only outside production).
    for (const [id, issuer] of [
      ['intranet', 'https://10.1.2.3/realms/staff'],
      ['link-local', 'https://169.254.169.254/latest'],
    ]) {
      dataOf(
        await operator(SET_PROVIDER, {
          t: 'default',
          i: { id, displayName: id, issuer, clientId: 'chatter', clientSecret: 'x' },
        }),
      );
      const started = Date.now();
      const start = await fetch(`${publicUrl}/auth/oidc/default/${id}/start`, {
        redirect: 'manual',
      });
      expect(start.headers.get('location')).toBe(`${publicUrl}/#oidc-error=UNAVAILABLE`);
      // Refused before any connection attempt, not after a connect timeout.
      expect(Date.now() - started).toBeLessThan(4_000);
      dataOf(
        await operator(
          'mutation($t:ID!,$id:ID!){ removeTenantOidcProvider(tenantId:$t, id:$id) }',
          {
            t: 'default',
            id,
          },
        ),
      );
    }
  });
});
