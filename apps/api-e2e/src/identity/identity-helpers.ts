import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { existsSync } from 'node:fs';
import { API_ENTRY, ApiProcess, codeOf, gql, GqlResult, ok, Session, startApi } from '../support';

/**
 * startApi, tolerant of a concurrent rebuild (other engineers run `node scripts/build.mjs api`,
 * which deletes and rewrites dist/api for a moment).
 */
export async function startBuiltApi(env: Record<string, string> = {}): Promise<ApiProcess> {
  for (let attempt = 1; ; attempt++) {
    const until = Date.now() + 30_000;
    while (!existsSync(API_ENTRY) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 300)); // let a build in progress finish writing
    try {
      return await startApi(env);
    } catch (error) {
      if (attempt >= 3 || !/Cannot find module|is missing|exited with/.test(String(error)))
        throw error;
    }
  }
}

/**
 * Asserts a refused operation: the expected stable `extensions.code`, never a masked internal
 * error, no stack trace or server path anywhere in the answer.
 */
export function expectCode(result: GqlResult<unknown>, code: string, field?: string): void {
  const text = JSON.stringify(result);
  expect(result.errors?.length ?? 0, text).toBeGreaterThan(0);
  expect(codeOf(result), text).toBe(code);
  for (const error of result.errors ?? []) {
    expect(error.extensions?.code, text).not.toBe('INTERNAL_SERVER_ERROR');
    expect(error.extensions ?? {}, text).not.toHaveProperty('stacktrace');
    expect(error.extensions ?? {}, text).not.toHaveProperty('exception');
  }
  expect(text).not.toMatch(/\n\s+at |\.(?:js|ts):\d+|node_modules|\/work\/|Internal server error/);
  if (field !== undefined) expect(result.errors?.[0]?.extensions?.field, text).toBe(field);
}

/** Like expectCode but accepts any of several stable codes (e.g. coercion errors). */
export function expectOneOf(result: GqlResult<unknown>, codes: string[]): void {
  const code = codeOf(result);
  expect(codes, JSON.stringify(result)).toContain(code);
  expectCode(result, code as string);
}

/** The server log never shows a masked (unexpected) error. */
export function expectNoUnexpectedErrors(api: ApiProcess): void {
  const lines = api
    .output()
    .split('\n')
    .filter((line) => line.includes('unexpected error while resolving GraphQL'));
  expect(lines.map((line) => line.slice(0, 2000))).toEqual([]);
}

export interface SmsMessage {
  to: string;
  purpose: 'login-code' | 'invitation';
  code: string;
  text: string;
  tenant: string;
}

/** A local SMS gateway for the webhook sender: records what it is sent, answers with `status`. */
export class SmsReceiver {
  readonly received: SmsMessage[] = [];
  /** Raw request facts (method, content type) of each delivery. */
  readonly requests: { method: string; contentType: string | undefined }[] = [];
  status = 200;
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', contentType: req.headers['content-type'] });
        try {
          this.received.push(JSON.parse(body) as SmsMessage);
        } catch {
          // recorded in `requests` only
        }
        res.statusCode = this.status;
        res.end(this.status === 200 ? '{"ok":true}' : '{"error":"gateway down"}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
    return this;
  }

  for(phone: string): SmsMessage[] {
    return this.received.filter((m) => m.to === phone);
  }

  /** The latest code sent to this number (waits briefly for the delivery). */
  async codeFor(phone: string, timeoutMs = 5_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const last = this.for(phone).at(-1);
      if (last) return last.code;
      if (Date.now() > until) throw new Error(`no SMS for ${phone}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

export const REQUEST_CODE =
  'mutation($p:String!,$t:String){ requestLoginCode(phone:$p, tenant:$t){ sent expiresInSeconds resendAfterSeconds } }';
export const VERIFY_CODE =
  'mutation($p:String!,$c:String!,$n:String,$t:String){ verifyLoginCode(phone:$p, code:$c, name:$n, tenant:$t){ accessToken refreshToken expiresAt user { id name phone } } }';
export const REFRESH =
  'mutation($r:String!){ refreshSession(refreshToken:$r){ accessToken refreshToken expiresAt user { id } } }';
export const LOGOUT = 'mutation($r:String!){ logout(refreshToken:$r) }';
export const ME = '{ me { id name phone presencePrivacy } }';

/** Codes the log sender printed for this number so far (the log line may trail the answer). */
export function loggedCodes(api: ApiProcess, phone: string, tenant = 'default'): string[] {
  const pattern = new RegExp(`login code for \\${phone} in tenant ${tenant}: (\\d{6})`, 'g');
  return [...api.output().matchAll(pattern)].map((m) => m[1]!);
}

/** Requests a code and waits for the new one in the log (log sender). */
export async function freshCode(api: ApiProcess, phone: string, tenant?: string): Promise<string> {
  const before = loggedCodes(api, phone, tenant).length;
  await ok(api, REQUEST_CODE, { p: phone, t: tenant ?? null });
  const until = Date.now() + 5_000;
  for (;;) {
    const codes = loggedCodes(api, phone, tenant);
    if (codes.length > before) return codes.at(-1)!;
    if (Date.now() > until) throw new Error(`no new login code for ${phone}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Logs an existing user in again (a new session). */
export async function logIn(api: ApiProcess, phone: string, tenant?: string) {
  const code = await freshCode(api, phone, tenant);
  const data = await ok<{
    verifyLoginCode: {
      accessToken: string;
      refreshToken: string;
      user: { id: string; name: string };
    };
  }>(api, VERIFY_CODE, { p: phone, c: code, n: null, t: tenant ?? null });
  return data.verifyLoginCode;
}

export async function me(api: ApiProcess, token: string) {
  return gql<{
    me: { id: string; name: string; phone: string | null; presencePrivacy: string | null };
  }>(api, ME, {}, token);
}

/** Signs a HS256 app token (tenant backend style). */
export async function appToken(
  secret: string,
  claims: { tenant: string; sub?: string; name?: string; iss?: string },
  times: { iat?: number; exp?: number } = {},
  alg = 'HS256',
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims.name !== undefined ? { name: claims.name } : {})
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuer(claims.iss ?? `app:${claims.tenant}`)
    .setIssuedAt(times.iat ?? now)
    .setExpirationTime(times.exp ?? now + 3600);
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  return jwt.sign(new TextEncoder().encode(secret));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`) with the given payload. */
export function unsignedToken(payload: Record<string, unknown>): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

/** A token whose payload was swapped after signing (signature no longer matches). */
export function tamperedToken(token: string, patch: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  return `${header}.${b64({ ...claims, ...patch })}.${signature}`;
}

export async function conversationsOf(
  api: ApiProcess,
  who: Session,
): Promise<{ id: string; kind: string; title: string | null }[]> {
  const data = await ok<{
    conversations: { edges: { node: { id: string; kind: string; title: string | null } }[] };
  }>(api, '{ conversations(first: 50) { edges { node { id kind title } } } }', {}, who.accessToken);
  return data.conversations.edges.map((e) => e.node);
}

let clientIds = 0;
export async function sendText(
  api: ApiProcess,
  who: Session,
  conversationId: string,
  body: string,
) {
  return gql<{ sendMessage: { id: string; seq: number; body: string } }>(
    api,
    'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ id seq body } }',
    { c: conversationId, k: `id-${process.pid}-${++clientIds}`, b: body },
    who.accessToken,
  );
}

export async function history(
  api: ApiProcess,
  who: Session,
  conversationId: string,
): Promise<{ id: string; seq: number; body: string | null }[]> {
  const data = await ok<{
    messages: { edges: { node: { id: string; seq: number; body: string | null } }[] };
  }>(
    api,
    'query($c:ID!){ messages(conversationId:$c, last: 100){ edges { node { id seq body } } } }',
    { c: conversationId },
    who.accessToken,
  );
  return data.messages.edges.map((e) => e.node);
}

export const RANDOM_ID = '6f1f7a7e-2b8c-4d2e-9a51-3c0e4b1d9f00';
