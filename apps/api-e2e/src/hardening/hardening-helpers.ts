import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { expect } from 'vitest';
import {
  ApiProcess,
  appUser,
  GqlResult,
  ok,
  removeDataDir,
  Session,
  sleep,
  startApi,
} from '../support';

/** A random secret for the default tenant's app-issued tokens (bulk users without SMS). */
export { appToken, appUser, newTenantSecret } from '../support';
export type { AppTokenOptions } from '../support';

/** The JWT secret an embedded API generated into its DATA_DIR (to mint tokens a real server would). */
export function embeddedJwtSecret(api: ApiProcess): string {
  return readFileSync(join(api.dataDir, 'jwt-secret'), 'utf8').trim();
}

/** Signs a Chatter access token with the given secret and claims. */
export async function accessToken(
  secret: string,
  claims: { sub: string; tid: string; sid: string; exp: number; iat?: number; iss?: string },
): Promise<string> {
  return new SignJWT({ tid: claims.tid, sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(claims.iss ?? 'chatter')
    .setSubject(claims.sub)
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000) - 60)
    .setExpirationTime(claims.exp)
    .sign(new TextEncoder().encode(secret));
}

export const b64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');
export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
/** An unsigned (`alg: none`) token with these claims. */
export const unsignedToken = (claims: Record<string, unknown>): string =>
  `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: GqlResult | null;
}

/** A raw POST to /graphql: any body, any headers (nothing added but what is given). */
export async function rawPost(
  api: Pick<ApiProcess, 'url'>,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<HttpAnswer> {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return answer(res);
}

export async function rawGet(
  api: Pick<ApiProcess, 'url'>,
  query: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const res = await fetch(`${api.url}/graphql?${query}`, { headers });
  return answer(res);
}

async function answer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  let json: GqlResult | null = null;
  try {
    json = JSON.parse(text) as GqlResult;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** sendMessage selecting id and seq: `$c` conversation, `$k` clientMessageId, `$b` body. */
export const SEND_MESSAGE =
  'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ id seq } }';

/** Polls `predicate` every 50 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  predicate: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** POST /graphql with JSON and an optional bearer token, keeping the HTTP status. */
export async function post(
  api: Pick<ApiProcess, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return rawPost(api, JSON.stringify({ query, variables }), {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...headers,
  });
}

/** Every error of an answer carries a stable code, never a masked internal error or a stack. */
export function expectCleanErrors(result: GqlResult | null | undefined, code: string): void {
  const text = JSON.stringify(result);
  expect(result?.errors?.length ?? 0, text).toBeGreaterThan(0);
  expect(result?.errors?.[0]?.extensions?.code, text).toBe(code);
  for (const error of result?.errors ?? []) {
    expect(error.extensions?.code, text).not.toBe('INTERNAL_SERVER_ERROR');
    expect(error.extensions ?? {}, text).not.toHaveProperty('stacktrace');
  }
  expect(text).not.toMatch(/\n\s+at |\.(?:js|ts):\d+|node_modules|\/work\/|Internal server error/);
}

export const codeOfAnswer = (a: HttpAnswer): string =>
  a.json?.errors?.[0]?.extensions?.code ?? (a.json?.data ? 'data' : 'none');
/** "400 GRAPHQL_VALIDATION_FAILED", as printed in the summary tables. */
export const outcomeOf = (a: HttpAnswer): string => `${a.status} ${codeOfAnswer(a)}`;

/** A raw graphql-transport-ws socket, for frames a well-behaved client would never send. */
export interface RawSocket {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  next(
    predicate: (m: Record<string, unknown>) => boolean,
    timeoutMs?: number,
    what?: string,
  ): Promise<Record<string, unknown>>;
}

export function openSocket(
  api: Pick<ApiProcess, 'wsUrl'>,
  headers: Record<string, string> = {},
  protocol = 'graphql-transport-ws',
): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(api.wsUrl, protocol, { headers });
    const s = rawSocket(ws);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', (err) => reject(err));
    ws.on('open', () => resolve(s));
  });
}

/** One upgrade attempt: the open socket (status 101), or the HTTP answer that refused it. */
export interface UpgradeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  socket: RawSocket | null;
}

export function tryUpgrade(
  api: Pick<ApiProcess, 'wsUrl'>,
  headers: Record<string, string> = {},
): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(api.wsUrl, 'graphql-transport-ws', { headers });
    const s = rawSocket(ws);
    ws.on('unexpected-response', (req, res) => {
      res.resume();
      req.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, socket: null });
    });
    ws.on('error', (err) => reject(err));
    ws.on('upgrade', (res) =>
      ws.once('open', () =>
        resolve({ status: res.statusCode ?? 101, headers: res.headers, socket: s }),
      ),
    );
  });
}

function rawSocket(ws: WebSocket): RawSocket {
  const messages: Record<string, unknown>[] = [];
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: String(reason) })),
  );
  ws.on('message', (data) => {
    try {
      messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    } catch {
      messages.push({ type: 'unparsable', raw: String(data) });
    }
  });
  return {
    ws,
    messages,
    closed,
    send: (m) => ws.send(typeof m === 'string' || Buffer.isBuffer(m) ? m : JSON.stringify(m)),
    async next(predicate, timeoutMs = 5_000, what = 'message') {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const i = messages.findIndex(predicate);
        if (i >= 0) return messages.splice(i, 1)[0]!;
        if (Date.now() > end)
          throw new Error(`no ${what}; got ${JSON.stringify(messages).slice(0, 1000)}`);
        await sleep(10);
      }
    },
  };
}

/** An acknowledged socket for this token. */
export async function ackedSocket(
  api: Pick<ApiProcess, 'wsUrl'>,
  token: string,
  headers: Record<string, string> = {},
): Promise<RawSocket> {
  const s = await openSocket(api, headers);
  s.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
  await s.next((m) => m.type === 'connection_ack', 5_000, 'connection_ack');
  return s;
}

let opCounter = 0;
/**
 * Runs one operation over an acknowledged socket and returns its first result:
 * `{ kind: 'next', payload }` (an execution result) or `{ kind: 'error', payload }` (refused).
 */
export async function wsOperation(
  s: RawSocket,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ kind: 'next' | 'error'; result: GqlResult }> {
  const id = `op-${++opCounter}`;
  s.send({ id, type: 'subscribe', payload: { query, variables } });
  const m = await s.next(
    (x) => x.id === id && (x.type === 'next' || x.type === 'error'),
    10_000,
    `result of ${id}`,
  );
  if (m.type === 'error')
    return { kind: 'error', result: { errors: m.payload as GqlResult['errors'] } };
  // Drop the completion that follows a query or mutation.
  void s.next((x) => x.id === id && x.type === 'complete', 2_000).catch(() => undefined);
  return { kind: 'next', result: m.payload as GqlResult };
}

export const wsCode = (r: { result: GqlResult }): string =>
  r.result.errors?.[0]?.extensions?.code ?? (r.result.data ? 'data' : 'none');

/** Reads one sample from /metrics (first series of that name). */
export async function metric(api: Pick<ApiProcess, 'url'>, name: string): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

/** Resident memory of a process from /proc, in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

export async function readyz(api: Pick<ApiProcess, 'url'>): Promise<number> {
  return (await fetch(`${api.url}/readyz`)).status;
}

/** Rows for the summary table each hostile-input file prints at its end. */
export class CaseTable {
  private readonly rows: {
    case: string;
    transport: string;
    expected: string;
    outcome: string;
    pass: boolean;
  }[] = [];

  constructor(private readonly title: string) {}

  /** Records a case; `pass` is whether the observed outcome matches the expectation. */
  add(
    name: string,
    transport: string,
    expected: string,
    outcome: string,
    pass = expected === outcome,
  ): void {
    this.rows.push({ case: name, transport, expected, outcome, pass });
  }

  get size(): number {
    return this.rows.length;
  }

  print(): void {
    const widths = {
      case: Math.max(4, ...this.rows.map((r) => r.case.length)),
      transport: Math.max(9, ...this.rows.map((r) => r.transport.length)),
      expected: Math.max(8, ...this.rows.map((r) => r.expected.length)),
      outcome: Math.max(7, ...this.rows.map((r) => r.outcome.length)),
    };
    const line = (c: string, t: string, e: string, o: string, p: string) =>
      `| ${c.padEnd(widths.case)} | ${t.padEnd(widths.transport)} | ${e.padEnd(widths.expected)} | ${o.padEnd(widths.outcome)} | ${p.padEnd(4)} |`;
    const out = [
      `\n${this.title} (${this.rows.length} cases, ${this.rows.filter((r) => !r.pass).length} not as expected)`,
      line('case', 'transport', 'expected', 'outcome', 'ok'),
      line(
        '-'.repeat(widths.case),
        '-'.repeat(widths.transport),
        '-'.repeat(widths.expected),
        '-'.repeat(widths.outcome),
        '----',
      ),
      ...this.rows.map((r) =>
        line(r.case, r.transport, r.expected, r.outcome, r.pass ? 'yes' : 'NO'),
      ),
    ];
    console.log(out.join('\n'));
  }
}

export interface Snapshot {
  me: unknown;
  contacts: unknown;
  conversations: unknown;
  histories: Record<string, unknown>;
}

/** What a user can see: profile, contacts, conversations and the history of the given ones. */
export async function snapshot(
  api: Pick<ApiProcess, 'url'>,
  who: Session,
  conversationIds: string[] = [],
): Promise<Snapshot> {
  const base = await ok<{ me: unknown; contacts: unknown; conversations: unknown }>(
    api,
    `{ me { id name avatarUrl statusText statusEmoji presencePrivacy }
       contacts(first: 100) { edges { node { user { id name } } } }
       conversations(first: 50) { edges { node { id kind title lastSeq memberCount muted pinned archived myRole } } } }`,
    {},
    who.accessToken,
  );
  const histories: Record<string, unknown> = {};
  for (const id of conversationIds) {
    histories[id] = (
      await ok<{ messages: unknown }>(
        api,
        'query($c:ID!){ messages(conversationId:$c, last:100){ edges { node { id seq body editedAt deletedAt reactions { emoji count } } } } }',
        { c: id },
        who.accessToken,
      )
    ).messages;
  }
  return { ...base, histories };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

/** Log lines of masked (unexpected) errors: a client mistake must never produce one. */
/** End of a suite that started `apis`: print its table, require no unexpected server errors, stop and clean up. */
export async function finishSuite(table: CaseTable, apis: readonly ApiProcess[]): Promise<void> {
  table.print();
  for (const api of apis) expect(unexpectedErrors(api)).toEqual([]);
  await Promise.all(apis.map((api) => api.stop()));
  apis.forEach(removeDataDir);
}

export function unexpectedErrors(api: Pick<ApiProcess, 'output'>): string[] {
  return api
    .output()
    .split('\n')
    .filter((line) => line.includes('unexpected error while resolving GraphQL'))
    .map((line) => line.slice(0, 600));
}

/** An API in production mode with one app-token user (Ada) holding an acknowledged socket. */
export interface ProductionApi {
  api: ApiProcess;
  ada: Session;
  socket: RawSocket;
}

export async function startProductionApi(secret: string): Promise<ProductionApi> {
  const api = await startApi({
    NODE_ENV: 'production',
    ALLOW_LOG_SMS_IN_PRODUCTION: 'true',
    DEFAULT_TENANT_SECRET: secret,
    LOG_FORMAT: 'json',
  });
  const ada = await appUser(api, 'Ada', secret);
  const socket = await ackedSocket(api, ada.accessToken);
  return { api, ada, socket };
}

/**
 * Stops an API that hostile documents may have frozen (a frozen process ignores SIGTERM, so it
 * is killed after 10 s: never left running) and answers the unexpected errors it logged.
 */
export async function stopPossiblyFrozenApi(
  api: ApiProcess | undefined,
  socket: RawSocket | undefined,
): Promise<string[]> {
  socket?.ws.terminate();
  if (!api) return [];
  const errors = unexpectedErrors(api);
  await Promise.race([api.stop(), sleep(10_000)]);
  await api.kill();
  removeDataDir(api);
  return errors;
}
