import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError, OidcFlowSecrets, OidcProviderConfig, TenantId } from '@chatter/core';
import { OpenidClientOidc } from './openid-client-oidc';

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
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/me`,
        jwks_uri: `${issuer}/jwks`,
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
});

describe('OpenidClientOidc', () => {
  it('builds an authorization URL with state, nonce and an S256 PKCE challenge', async () => {
    const url = new URL(
      await new OpenidClientOidc().authorizationUrl(provider(), redirectUri, secrets),
    );
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
    const claims = await exchange(new OpenidClientOidc());
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
      expect((await exchange(new OpenidClientOidc())).emailVerified).toBe(false);
    }
  });

  it('asks the userinfo endpoint for the e-mail and name an id_token leaves out', async () => {
    idClaims = { sub: 'u-1', nonce: secrets.nonce };
    userinfo = { sub: 'u-1', email: 'bo@example.org', email_verified: true, name: 'Bo' };
    const claims = await exchange(new OpenidClientOidc());
    expect(claims).toMatchObject({ email: 'bo@example.org', emailVerified: true, name: 'Bo' });
  });

  it('refuses a forged signature, another audience, a wrong nonce and a wrong state', async () => {
    const oidc = new OpenidClientOidc();
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
    const error = await exchange(new OpenidClientOidc(), {
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
    const oidc = new OpenidClientOidc((m) => warnings.push(m));
    const closed = `http://127.0.0.1:1/realms/none`;
    const unreachable = await oidc
      .authorizationUrl(provider({ issuer: closed }), redirectUri, secrets)
      .catch((e: unknown) => e);
    expect(codeOf(unreachable)).toBe('UNAVAILABLE');
    expect(warnings.join('\n')).toContain(closed);

    discoveredIssuer = 'https://impostor.example';
    const mismatch = await new OpenidClientOidc()
      .authorizationUrl(provider(), redirectUri, secrets)
      .catch((e: unknown) => e);
    expect(codeOf(mismatch)).toBe('UNAVAILABLE');
  });

  it('passes any name and e-mail through exactly (e-mail capped at 320 characters)', async () => {
    const oidc = new OpenidClientOidc();
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
});
