import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeneratedDocument, graphqlDocument, hostileDocument } from '@chatter/testing';
import { ApiProcess, Session, sleep } from '../support';
import {
  CaseTable,
  newTenantSecret,
  post,
  RawSocket,
  startProductionApi,
  stopPossiblyFrozenApi,
  wsOperation,
} from './hardening-helpers';

/**
 * Black-box document fuzzing: documents generated against the real schema (random nesting,
 * fragments with repeated spreads, aliases, directives, variables) and attack-shaped ones
 * (fragment chains, floods, cycles, nested pages) go to a real API over HTTP (with and without
 * a token) and over graphql-ws. Each must be answered or refused with a stable code, none
 * may hang or be answered with an internal error, and /healthz answers throughout.
 * FUZZ_SEED=<n> replays a run.
 */
const schema = buildSchema(readFileSync(join(__dirname, '../../../../schema.graphql'), 'utf8'));
const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const secret = newTenantSecret();
const table = new CaseTable(`Document fuzzing (seed ${seed})`);
const ANSWER_WITHIN_MS = 5_000;
let api: ApiProcess;
let ada: Session;
let socket: RawSocket;

beforeAll(async () => {
  ({ api, ada, socket } = await startProductionApi(secret));
}, 60_000);

afterAll(async () => {
  table.print();
  expect(await stopPossiblyFrozenApi(api, socket)).toEqual([]);
});

const documents: GeneratedDocument[] = [
  ...fc.sample(graphqlDocument(schema, { operations: ['query'] }), { numRuns: 70, seed }),
  ...fc.sample(hostileDocument(), { numRuns: 50, seed: seed + 1 }),
];
/** Sent over HTTP only: a valid subscription over WebSocket would stay open, not answer once. */
const httpOnly: GeneratedDocument[] = fc.sample(
  graphqlDocument(schema, { operations: ['mutation', 'subscription'] }),
  { numRuns: 30, seed: seed + 2 },
);

function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    sleep(ms).then(() => {
      throw new Error(`no answer within ${ms} ms (seed ${seed}) to ${what}`);
    }),
  ]);
}

/** The codes a refusal may carry: each names the client's mistake, a rule or a limit. */
const STABLE_CODES = new Set([
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'CONFLICT',
  'BLOCKED',
  'LAST_OWNER',
  'NAME_REQUIRED',
  'LOGIN_CODE_INVALID',
  'LOGIN_CODE_EXPIRED',
]);

describe('fuzzed documents against a live API', () => {
  it(`answers ${documents.length} generated documents over HTTP and WebSocket (and ${httpOnly.length} mutations and subscriptions over HTTP) with data or a stable code, /healthz live throughout`, async () => {
    let done = false;
    let slowestHealthMs = 0;
    const healthStatuses = new Set<number>();
    const health = (async () => {
      while (!done) {
        const started = Date.now();
        const res = await fetch(`${api.url}/healthz`, {
          signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
        });
        slowestHealthMs = Math.max(slowestHealthMs, Date.now() - started);
        healthStatuses.add(res.status);
        await sleep(50);
      }
    })();
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    try {
      for (const [i, doc] of documents.entries()) {
        const what = doc.query.slice(0, 300);
        const token = i % 3 === 0 ? undefined : ada.accessToken;
        const http = await within(
          ANSWER_WITHIN_MS,
          what,
          post(api, doc.query, doc.variables, token),
        );
        expect([200, 400], `${what} (seed ${seed})`).toContain(http.status);
        const httpCodes = (http.json?.errors ?? []).map((e) => e.extensions?.code ?? 'none');
        for (const code of httpCodes)
          expect(STABLE_CODES, `${code} for ${what} (seed ${seed})`).toContain(code);
        expect(http.text).not.toMatch(/\n\s+at |node_modules|Internal server error/);
        count(`HTTP ${http.status} ${httpCodes[0] ?? 'data'}`);

        const ws = await within(
          ANSWER_WITHIN_MS,
          what,
          wsOperation(socket, doc.query, doc.variables),
        );
        const wsCodes = (ws.result.errors ?? []).map((e) => e.extensions?.code ?? 'none');
        for (const code of wsCodes)
          expect(STABLE_CODES, `${code} over WS for ${what} (seed ${seed})`).toContain(code);
        count(`WS ${ws.kind} ${wsCodes[0] ?? 'data'}`);
      }
      for (const doc of httpOnly) {
        const what = doc.query.slice(0, 300);
        const http = await within(
          ANSWER_WITHIN_MS,
          what,
          post(api, doc.query, doc.variables, ada.accessToken),
        );
        expect([200, 400], `${what} (seed ${seed})`).toContain(http.status);
        const httpCodes = (http.json?.errors ?? []).map((e) => e.extensions?.code ?? 'none');
        for (const code of httpCodes)
          expect(STABLE_CODES, `${code} for ${what} (seed ${seed})`).toContain(code);
        count(`HTTP ${http.status} ${httpCodes[0] ?? 'data'} (mutation/subscription)`);
      }
    } finally {
      done = true;
      await health;
    }
    for (const [outcome, n] of [...outcomes].sort())
      table.add(outcome, outcome.split(' ')[0]!, 'data or stable code', `${n} documents`, true);
    // The socket survived every document.
    expect((await wsOperation(socket, '{ me { id } }')).result.data).toEqual({
      me: { id: ada.userId },
    });
    expect([...healthStatuses]).toEqual([200]);
    expect(slowestHealthMs).toBeLessThan(2_000);
    // Both kinds of answers were seen: the sample exercised execution, not only refusals.
    expect([...outcomes.keys()].some((k) => k.startsWith('HTTP 200 data'))).toBe(true);
    expect([...outcomes.keys()].some((k) => k.includes('GRAPHQL_VALIDATION_FAILED'))).toBe(true);
  }, 120_000);

  it('refuses a subscription whose root @include/@skip is a variable (found by the fuzzer: was 500 over HTTP, closed the socket over WebSocket)', async () => {
    const query = 'subscription($v: Boolean!) { chatEvents @include(if: $v) { __typename } }';
    const http = await within(
      ANSWER_WITHIN_MS,
      query,
      post(api, query, { v: true }, ada.accessToken),
    );
    table.add(
      'subscription root @include(if: $v)',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      `${http.status} ${http.json?.errors?.[0]?.extensions?.code ?? 'data'}`,
    );
    expect(http.status).toBe(400);
    expect(http.json?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const ws = await within(ANSWER_WITHIN_MS, query, wsOperation(socket, query, { v: true }));
    table.add(
      'subscription root @include(if: $v)',
      'WS',
      'GRAPHQL_VALIDATION_FAILED',
      ws.result.errors?.[0]?.extensions?.code ?? 'data',
    );
    expect(ws.kind).toBe('error');
    expect(ws.result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await wsOperation(socket, '{ me { id } }')).result.data).toEqual({
      me: { id: ada.userId },
    });
  });

  it('refuses a subscription over HTTP with 400 BAD_REQUEST (found by the fuzzer: was 500 INTERNAL_SERVER_ERROR)', async () => {
    const http = await within(
      ANSWER_WITHIN_MS,
      'subscription',
      post(api, 'subscription { chatEvents { __typename } }', {}, ada.accessToken),
    );
    table.add(
      'subscription over HTTP',
      'HTTP',
      '400 BAD_REQUEST',
      `${http.status} ${http.json?.errors?.[0]?.extensions?.code ?? 'data'}`,
    );
    expect(http.status).toBe(400);
    expect(http.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
