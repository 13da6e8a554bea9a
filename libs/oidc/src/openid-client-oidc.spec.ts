import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addressRanges,
  DomainError,
  isAllowedTarget,
  OidcFlowSecrets,
  OidcProviderConfig,
  TenantId,
} from '@chatter/core';
import { AllowOidcTarget, OpenidClientOidc } from './openid-client-oidc';

/**
 * The adapter against a small OpenID Provider served on a free port: discovery, JWKS, the token
 * and userinfo endpoints. Each test sets what the token endpoint answers, so the checks the
 * library makes for us (signature, audience, nonce) and our claim mapping are both exercised.
 */

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function keyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256' } };
}

function jwt(key: { kid: string; privateKey: KeyObject }, claims: Record<string, unknown>) {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const body = b64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), key.privateKey);
  return `${head}.${body}.${b64url(signature)}`;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => resolve(text));
  });

const signingKey = keyPair('k1');
const strangerKey = keyPair('k1'); // same kid, another key: a forged token

let server: Server;
let issuer: string;
/** The id_token claims the token endpoint signs next (iss, aud, exp, iat are filled in). */
let idClaims: Record<string, unknown>;
let tokenKey: typeof signingKey;
let userinfo: Record<string, unknown>;
let tokenRequests: { form: URLSearchParams; authorization: string | undefined }[];
let discoveredIssuer: string | undefined;
/** Where the discovery document puts the JWKS and token endpoints (default: the issuer). */
let endpointsAt: { jwks?: string; token?: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration')
      return json(200, {
        issuer: discoveredIssuer ?? issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${endpointsAt.token ?? issuer}/token`,
        userinfo_endpoint: `${issuer}/me`,
        jwks_uri: `${endpointsAt.jwks ?? issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    if (url.pathname === '/jwks') return json(200, { keys: [signingKey.jwk] });
    if (url.pathname === '/me') return json(200, userinfo);
    if (url.pathname === '/token')
      return void readBody(req).then((text) => {
        tokenRequests.push({
          form: new URLSearchParams(text),
          authorization: req.headers.authorization,
        });
        const now = Math.floor(Date.now() / 1000);
        json(200, {
          access_token: 'at-1',
          token_type: 'Bearer',
          expires_in: 300,
          id_token: jwt(tokenKey, {
            iss: issuer,
            aud: 'chatter',
            iat: now,
            exp: now + 300,
            ...idClaims,
          }),
        });
      });
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const secrets: OidcFlowSecrets = { state: 'st-1', nonce: 'n-1', codeVerifier: 'v'.repeat(43) };
const redirectUri = 'http://chat.example/auth/oidc/callback';
const provider = (over: Partial<OidcProviderConfig> = {}): OidcProviderConfig => ({
  tenantId: 'default' as TenantId,
  id: 'test',
  displayName: 'Test IdP',
  issuer,
  clientId: 'chatter',
  clientSecret: 's3cret',
  allowedDomains: [],
  autoLinkVerifiedEmail: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

const exchange = (oidc: OpenidClientOidc, params: Record<string, string> = {}) =>
  oidc.exchange(provider(), redirectUri, { code: 'c-1', state: secrets.state, ...params }, secrets);

const codeOf = (error: unknown) => (error instanceof DomainError ? error.code : String(error));

beforeEach(() => {
  idClaims = {
    sub: 'u-1',
    nonce: secrets.nonce,
    email: 'ada@example.org',
    email_verified: true,
    name: 'Ada',
  };
  tokenKey = signingKey;
  userinfo = { sub: 'u-1' };
  tokenRequests = [];
  discoveredIssuer = undefined;
  endpointsAt = {};
});

/** The server's policy with these private ranges allowed (the test provider is on 127.0.0.1). */
const allowing = (...ranges: string[]): AllowOidcTarget => {
  const list = addressRanges(ranges);
  if (typeof list === 'string') throw new Error(list);
  return (address) => isAllowedTarget(address, list);
};
const loopbackProvider = allowing('127.0.0.1/32');
const adapter = (warn: (m: string) => void = () => undefined) =>
  new OpenidClientOidc(warn, loopbackProvider);

describe('OpenidClientOidc', () => {
  it('builds an authorization URL with state, nonce and an S256 PKCE challenge', async () => {
    const url = new URL(await adapter().authorizationUrl(provider(), redirectUri, secrets));
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/auth`);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe('chatter');
    expect(q.get('redirect_uri')).toBe(redirectUri);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('scope')).toBe('openid email profile');
    expect(q.get('state')).toBe(secrets.state);
    expect(q.get('nonce')).toBe(secrets.nonce);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toBe(
      createHash('sha256').update(secrets.codeVerifier).digest('base64url'),
    );
  });

  it('exchanges the code with the verifier and client credentials and maps the claims', async () => {
    const claims = await exchange(adapter());
    expect(claims).toEqual({
      issuer,
      subject: 'u-1',
      email: 'ada@example.org',
      emailVerified: true,
      name: 'Ada',
    });
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0].form.get('code')).toBe('c-1');
    expect(tokenRequests[0].form.get('code_verifier')).toBe(secrets.codeVerifier);
    expect(tokenRequests[0].authorization).toBe(
      `Basic ${Buffer.from('chatter:s3cret').toString('base64')}`,
    );
  });

  it('counts an e-mail as verified only for a literal true', async () => {
    for (const flag of ['true', 1, null, undefined]) {
      idClaims = { ...idClaims, email_verified: flag };
      expect((await exchange(adapter())).emailVerified).toBe(false);
    }
  });

  it('asks the userinfo endpoint for the e-mail and name an id_token leaves out', async () => {
    idClaims = { sub: 'u-1', nonce: secrets.nonce };
    userinfo = { sub: 'u-1', email: 'bo@example.org', email_verified: true, name: 'Bo' };
    const claims = await exchange(adapter());
    expect(claims).toMatchObject({ email: 'bo@example.org', emailVerified: true, name: 'Bo' });
  });

  it('refuses a forged signature, another audience, a wrong nonce and a wrong state', async () => {
    const oidc = adapter();
    tokenKey = strangerKey;
    await expect(exchange(oidc)).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
    tokenKey = signingKey;
    idClaims = { ...idClaims, aud: 'someone-else' };
    await expect(exchange(oidc)).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
    idClaims = { ...idClaims, aud: 'chatter', nonce: 'n-2' };
    await expect(exchange(oidc)).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
    idClaims = { ...idClaims, nonce: secrets.nonce };
    await expect(exchange(oidc, { state: 'st-2' })).rejects.toSatisfy(
      (e) => codeOf(e) === 'UNAUTHENTICATED',
    );
    // The same adapter still signs people in once the answers are right again.
    await expect(exchange(oidc)).resolves.toMatchObject({ subject: 'u-1' });
  });

  it('turns a provider error on the callback into UNAUTHENTICATED without calling the token endpoint', async () => {
    const error = await exchange(adapter(), {
      code: '',
      error: 'access_denied',
      error_description: 'the user said no',
    }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('UNAUTHENTICATED');
    expect((error as Error).message).toContain('access_denied');
    expect(tokenRequests).toHaveLength(0);
  });

  it('answers UNAVAILABLE and warns when discovery fails or names another issuer', async () => {
    const warnings: string[] = [];
    const oidc = adapter((m) => warnings.push(m));
    const closed = `http://127.0.0.1:1/realms/none`;
    const unreachable = await oidc
      .authorizationUrl(provider({ issuer: closed }), redirectUri, secrets)
      .catch((e: unknown) => e);
    expect(codeOf(unreachable)).toBe('UNAVAILABLE');
    expect(warnings.join('\n')).toContain(closed);

    discoveredIssuer = 'https://impostor.example';
    const mismatch = await adapter()
      .authorizationUrl(provider(), redirectUri, secrets)
      .catch((e: unknown) => e);
    expect(codeOf(mismatch)).toBe('UNAVAILABLE');
  });

  it('passes any name and e-mail through exactly (e-mail capped at 320 characters)', async () => {
    const oidc = adapter();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 400 }),
        async (name, email) => {
          idClaims = { sub: 'u-1', nonce: secrets.nonce, name, email, email_verified: true };
          const claims = await exchange(oidc);
          expect(claims.name).toBe(name);
          expect(claims.email).toBe(email.slice(0, 320));
        },
      ),
      { numRuns: 25 },
    );
  });

  describe('holds every request to the addresses the operator allows', () => {
    /** A server on another loopback address, outside the allowed 127.0.0.1/32: it must hear nothing. */
    let trap: Server;
    let trapHits = 0;
    let trapBase = '';
    beforeAll(async () => {
      trap = createServer((_req, res) => {
        trapHits += 1;
        res.writeHead(500).end();
      });
      await new Promise<void>((resolve) => trap.listen(0, '127.0.0.2', resolve));
      trapBase = `http://127.0.0.2:${(trap.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => trap.close(() => resolve())));
    beforeEach(() => {
      trapHits = 0;
    });

    const refused = (error: unknown) =>
      codeOf(error) === 'UNAVAILABLE' && /private or loopback address/.test(String(error));

    it('refuses an issuer at a private address, by IP literal or by a name that resolves to one', async () => {
      for (const literal of [trapBase, 'https://10.1.2.3/realms/x', 'https://[fd00::1]/realms/x']) {
        const warnings: string[] = [];
        const error = await adapter((m) => warnings.push(m))
          .authorizationUrl(provider({ issuer: literal }), redirectUri, secrets)
          .catch((e: unknown) => e);
        expect(refused(error), String(error)).toBe(true);
        expect(warnings.join('\n')).toContain(literal);
      }
      // No private range allowed at all: even the test provider, reached by name, is refused.
      const publicOnly = new OpenidClientOidc(() => undefined, allowing());
      const byName = issuer.replace('127.0.0.1', 'localhost');
      const error = await publicOnly
        .authorizationUrl(provider({ issuer: byName }), redirectUri, secrets)
        .catch((e: unknown) => e);
      expect(refused(error), String(error)).toBe(true);
      expect(trapHits).toBe(0);
    });

    it('refuses token and JWKS endpoints that the discovery document points elsewhere', async () => {
      endpointsAt = { token: trapBase };
      await expect(exchange(adapter())).rejects.toSatisfy(refused);
      endpointsAt = { jwks: trapBase };
      await expect(exchange(adapter())).rejects.toSatisfy(refused);
      expect(trapHits).toBe(0);
      // Once the trap's range is allowed, the same document is followed to it.
      endpointsAt = { token: trapBase };
      const trusting = new OpenidClientOidc(() => undefined, allowing('127.0.0.0/8'));
      await expect(exchange(trusting)).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
      expect(trapHits).toBe(1);
    });
  });
});
