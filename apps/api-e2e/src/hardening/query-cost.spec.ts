import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, ok, Session, sleep } from '../support';
import {
  appUser,
  CaseTable,
  expectCleanErrors,
  HttpAnswer,
  newTenantSecret,
  outcomeOf,
  post,
  RawSocket,
  startProductionApi,
  stopPossiblyFrozenApi,
  wsCode,
  wsOperation,
} from './hardening-helpers';

/**
 * Documents that cost the server far more than they cost the client (issue 24, findings 1, 3
 * and the search part of 4), over HTTP and WebSocket, against an API in production mode.
 */
const secret = newTenantSecret();
const table = new CaseTable('Query cost (production mode)');
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

/** `query{...F0}` and `n` fragments, each spreading the next `spreads` times: spreads^n fields. */
function fragmentChain(n: number, leaf = 'me{id}', spreads = 2): string {
  const lines = ['query{...F0}'];
  for (let i = 0; i < n - 1; i++)
    lines.push(
      `fragment F${i} on Query{${Array.from({ length: spreads }, () => `...F${i + 1}`).join(' ')}}`,
    );
  lines.push(`fragment F${n - 1} on Query{${leaf}}`);
  return lines.join('\n');
}

/** A POST that fails the test instead of hanging when the server does not answer in time. */
async function postWithin(
  ms: number,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<HttpAnswer> {
  const started = Date.now();
  const answer = await Promise.race([
    post(api, query, variables, token),
    sleep(ms).then(() => {
      throw new Error(`no answer within ${ms} ms`);
    }),
  ]);
  expect(Date.now() - started).toBeLessThan(ms);
  return answer;
}

const limitOf = (a: { json: HttpAnswer['json'] }) => a.json?.errors?.[0]?.extensions?.['limit'];
const wsLimitOf = (r: Awaited<ReturnType<typeof wsOperation>>) =>
  r.result.errors?.[0]?.extensions?.['limit'];

/** Polls /healthz every 50 ms while `work` runs; resolves to the slowest answer seen. */
async function healthWhile(
  work: Promise<unknown>,
): Promise<{ slowestMs: number; answers: number; statuses: Set<number> }> {
  let done = false;
  const statuses = new Set<number>();
  let slowestMs = 0;
  let answers = 0;
  const poll = (async () => {
    while (!done) {
      const started = Date.now();
      const res = await fetch(`${api.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      slowestMs = Math.max(slowestMs, Date.now() - started);
      statuses.add(res.status);
      answers++;
      await sleep(50);
    }
  })();
  try {
    await work;
  } finally {
    done = true;
    await poll;
  }
  return { slowestMs, answers, statuses };
}

describe('finding 1: fragments spread repeatedly', () => {
  const attack = fragmentChain(24);

  it('answers a 24-fragment doubling chain (2^24 expansions, under 1 kB, no token) at once with QUERY_TOO_COMPLEX, and /healthz keeps answering', async () => {
    expect(attack.length).toBeLessThan(1000);
    const burst = Promise.all(Array.from({ length: 6 }, () => postWithin(5_000, attack)));
    const health = await healthWhile(burst);
    for (const a of await burst) {
      expect(a.status).toBe(400);
      expectCleanErrors(a.json, 'GRAPHQL_VALIDATION_FAILED');
      expect(limitOf(a)).toBe('QUERY_TOO_COMPLEX');
    }
    table.add(
      '24-fragment doubling chain ×6, no token',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      outcomeOf((await burst)[0]!),
    );
    expect([...health.statuses]).toEqual([200]);
    expect(health.slowestMs).toBeLessThan(2_000);
  });

  it('refuses the same chain over WebSocket with the same code, and the socket stays usable', async () => {
    const r = await wsOperation(socket, attack);
    table.add('24-fragment doubling chain', 'WS', 'GRAPHQL_VALIDATION_FAILED', wsCode(r));
    expect(r.kind).toBe('error');
    expect(wsCode(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(wsLimitOf(r)).toBe('QUERY_TOO_COMPLEX');
    expect((await wsOperation(socket, '{ me { id } }')).result.data).toEqual({
      me: { id: ada.userId },
    });
  });

  it('counts aliases, directives and depth through repeated spreads (each hidden behind a 20-fragment chain)', async () => {
    const cases: [string, string, string][] = [
      ['aliases', fragmentChain(20, 'a:__typename'), 'TOO_MANY_ALIASES'],
      ['directives', fragmentChain(20, '__typename @skip(if:false)'), 'TOO_MANY_DIRECTIVES'],
      // A field with a price (`__typename` costs nothing: clients add it to every object).
      ['three spreads each, 60 fragments', fragmentChain(60, 'me { id }', 3), 'QUERY_TOO_COMPLEX'],
    ];
    for (const [name, query, limit] of cases) {
      const http = await postWithin(5_000, query, {}, ada.accessToken);
      const ws = await wsOperation(socket, query);
      table.add(
        `chain hiding ${name}`,
        'HTTP',
        `400 GRAPHQL_VALIDATION_FAILED ${limit}`,
        `${outcomeOf(http)} ${String(limitOf(http))}`,
      );
      table.add(
        `chain hiding ${name}`,
        'WS',
        `GRAPHQL_VALIDATION_FAILED ${limit}`,
        `${wsCode(ws)} ${String(wsLimitOf(ws))}`,
      );
      expect(http.status, name).toBe(400);
      expect(limitOf(http), name).toBe(limit);
      expect(wsCode(ws), name).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(wsLimitOf(ws), name).toBe(limit);
    }
  });

  it('refuses one field repeated past 30 times in a selection set (pairs graphql-js would compare), directly or through fragments, and runs 30', async () => {
    const repeat = (n: number, field: string) => Array(n).fill(field).join(' ');
    const cases: [string, string][] = [
      ['300 × me { id }', `{ ${repeat(300, 'me { id }')} }`],
      [
        '4 fragments × 60 user(id) each',
        `{ ...R0 ...R1 ...R2 ...R3 } ${[0, 1, 2, 3]
          .map((i) => `fragment R${i} on Query { ${repeat(60, `user(id: "${i}") { id }`)} }`)
          .join(' ')}`,
      ],
    ];
    for (const [name, query] of cases) {
      const http = await postWithin(5_000, query, {}, ada.accessToken);
      const ws = await wsOperation(socket, query);
      table.add(
        name,
        'HTTP',
        '400 TOO_MANY_REPEATED_FIELDS',
        `${http.status} ${String(limitOf(http))}`,
      );
      table.add(name, 'WS', 'TOO_MANY_REPEATED_FIELDS', String(wsLimitOf(ws)));
      expect(http.status, name).toBe(400);
      expect(http.json?.errors?.[0]?.extensions?.['code'], name).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(limitOf(http), name).toBe('TOO_MANY_REPEATED_FIELDS');
      expect(wsLimitOf(ws), name).toBe('TOO_MANY_REPEATED_FIELDS');
    }
    const thirty = `{ ${repeat(30, 'me { id }')} }`;
    const http = await postWithin(5_000, thirty, {}, ada.accessToken);
    expect(http.status).toBe(200);
    expect(http.json?.data).toEqual({ me: { id: ada.userId } });
    expect((await wsOperation(socket, thirty)).result.data).toEqual({ me: { id: ada.userId } });
  });
});

describe('finding 3: page sizes given as variables', () => {
  const nested = `query($a:Int, $b:Int){ channels(first:$a){ edges { node { members(first:$b){ edges { node {
    user { id isContact isBlocked presence { status } } } } } } } } }`;

  it('refuses 50 channels × 100 members of user fields (5,000 users) over HTTP and WebSocket; small pages pass', async () => {
    const huge = { a: 50, b: 100 };
    const http = await postWithin(5_000, nested, huge, ada.accessToken);
    const ws = await wsOperation(socket, nested, huge);
    table.add(
      'channels(first:$a=50){members(first:$b=100)}',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      outcomeOf(http),
    );
    table.add(
      'channels(first:$a=50){members(first:$b=100)}',
      'WS',
      'GRAPHQL_VALIDATION_FAILED',
      wsCode(ws),
    );
    expect(http.status).toBe(400);
    expectCleanErrors(http.json, 'GRAPHQL_VALIDATION_FAILED');
    expect(limitOf(http)).toBe('QUERY_TOO_COMPLEX');
    expect(http.json?.errors?.[0]?.message).toMatch(/complexity \d+ exceeds the limit of 12000/);
    expect(wsCode(ws)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(wsLimitOf(ws)).toBe('QUERY_TOO_COMPLEX');

    // Absent variables count as the largest page the server would serve.
    const absent = await postWithin(5_000, nested, {}, ada.accessToken);
    expect(limitOf(absent)).toBe('QUERY_TOO_COMPLEX');

    const small = { a: 3, b: 5 };
    const fine = await postWithin(5_000, nested, small, ada.accessToken);
    expect(fine.status).toBe(200);
    expect(fine.json?.errors).toBeUndefined();
    const fineWs = await wsOperation(socket, nested, small);
    expect(fineWs.kind).toBe('next');
    expect(fineWs.result.errors).toBeUndefined();
  });

  it('caps every page server-side: one above the cap is refused (BAD_USER_INPUT), the cap itself is served', async () => {
    const owned = (
      await ok<{ createGroup: { id: string } }>(
        api,
        'mutation{ createGroup(input:{title:"Caps", memberIds:[]}){ id } }',
        {},
        ada.accessToken,
      )
    ).createGroup.id;
    const root = (
      await ok<{ sendMessage: { id: string } }>(
        api,
        'mutation($c:ID!){ sendMessage(input:{conversationId:$c, clientMessageId:"cap-root", body:"root"}){ id } }',
        { c: owned },
        ada.accessToken,
      )
    ).sendMessage.id;
    const lists: [string, string, number, Record<string, unknown>][] = [
      ['conversations', 'query($n:Int){ conversations(first:$n){ edges { cursor } } }', 50, {}],
      ['channels', 'query($n:Int){ channels(first:$n){ edges { cursor } } }', 50, {}],
      ['contacts', 'query($n:Int){ contacts(first:$n){ edges { cursor } } }', 100, {}],
      [
        'messages(first)',
        'query($c:ID!,$n:Int){ messages(conversationId:$c, first:$n){ edges { cursor } } }',
        100,
        { c: owned },
      ],
      [
        'messages(last)',
        'query($c:ID!,$n:Int){ messages(conversationId:$c, last:$n){ edges { cursor } } }',
        100,
        { c: owned },
      ],
      [
        'searchMessages',
        'query($n:Int){ searchMessages(query:"cap", first:$n){ edges { cursor } } }',
        50,
        {},
      ],
      [
        'members',
        'query($c:ID!,$n:Int){ conversation(id:$c){ members(first:$n){ edges { cursor } } } }',
        100,
        { c: owned },
      ],
      [
        'threadReplies(first)',
        'query($r:ID!,$n:Int){ threadReplies(rootId:$r, first:$n){ edges { cursor } } }',
        100,
        { r: root },
      ],
      [
        'threadReplies(last)',
        'query($r:ID!,$n:Int){ threadReplies(rootId:$r, last:$n){ edges { cursor } } }',
        100,
        { r: root },
      ],
      ['followedThreads', 'query($n:Int){ followedThreads(first:$n){ edges { cursor } } }', 50, {}],
      ['starredMessages', 'query($n:Int){ starredMessages(first:$n){ edges { cursor } } }', 50, {}],
    ];
    for (const [name, query, cap, vars] of lists) {
      const atCap = await post(api, query, { ...vars, n: cap }, ada.accessToken);
      const over = await post(api, query, { ...vars, n: cap + 1 }, ada.accessToken);
      table.add(`${name} page size ${cap + 1}`, 'HTTP', '200 BAD_USER_INPUT', outcomeOf(over));
      expect(atCap.json?.errors, `${name} at ${cap}`).toBeUndefined();
      expect(over.status, name).toBe(200);
      expectCleanErrors(over.json, 'BAD_USER_INPUT');
    }
  });
});

describe('finding 4 (searches): aliases and repeated spreads of searchMessages', () => {
  const searches = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `s${i}: searchMessages(query:"e"){ edges { cursor } }`).join(' ')} }`;

  it('refuses 30 aliased searches (and 3) in one request over HTTP and WebSocket; 2 pass', async () => {
    for (const n of [30, 3]) {
      const http = await postWithin(5_000, searches(n), {}, ada.accessToken);
      const ws = await wsOperation(socket, searches(n));
      table.add(
        `${n} aliased searchMessages`,
        'HTTP',
        '400 GRAPHQL_VALIDATION_FAILED',
        outcomeOf(http),
      );
      table.add(`${n} aliased searchMessages`, 'WS', 'GRAPHQL_VALIDATION_FAILED', wsCode(ws));
      expect(http.status).toBe(400);
      expectCleanErrors(http.json, 'GRAPHQL_VALIDATION_FAILED');
      expect(limitOf(http)).toBe('TOO_MANY_EXPENSIVE_FIELDS');
      expect(wsLimitOf(ws)).toBe('TOO_MANY_EXPENSIVE_FIELDS');
    }
    const two = await postWithin(5_000, searches(2), {}, ada.accessToken);
    expect(two.status).toBe(200);
    expect(two.json?.errors).toBeUndefined();
    const viaSpreads = await postWithin(
      5_000,
      'query{...S ...S} fragment S on Query{...T ...T} fragment T on Query{ searchMessages(query:"e"){ edges { cursor } } }',
      {},
      ada.accessToken,
    );
    expect(limitOf(viaSpreads)).toBe('TOO_MANY_EXPENSIVE_FIELDS');
  });

  it('rate-limits searches and member pages per user (RATE_LIMITED with a retry hint), without touching other users', async () => {
    const [eve, bob] = await Promise.all([
      appUser(api, 'Eve', secret),
      appUser(api, 'Bob', secret),
    ]);
    const search = 'query{ searchMessages(query:"e", first:1){ edges { cursor } } }';
    const codes: string[] = [];
    for (let i = 0; i < 70; i++) {
      const a = await post(api, search, {}, eve.accessToken);
      codes.push(a.json?.errors?.[0]?.extensions?.code ?? 'data');
    }
    const firstRefusal = codes.indexOf('RATE_LIMITED');
    table.add(
      '70 searches in a row, one user',
      'HTTP',
      'RATE_LIMITED after 60',
      firstRefusal === 60 ? 'RATE_LIMITED after 60' : `first refusal at ${firstRefusal}`,
    );
    expect(firstRefusal).toBe(60);
    expect(codes.slice(60).every((c) => c === 'RATE_LIMITED')).toBe(true);
    const refused = await post(api, search, {}, eve.accessToken);
    expect(refused.json?.errors?.[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    // The same budget covers member pages.
    const channel = (
      await ok<{ createChannel: { id: string } }>(
        api,
        'mutation{ createChannel(input:{title:"Budget"}){ id } }',
        {},
        bob.accessToken,
      )
    ).createChannel.id;
    const members = await post(
      api,
      'query($c:ID!){ conversation(id:$c){ members(first:5){ edges { cursor } } } }',
      { c: channel },
      eve.accessToken,
    );
    expectCleanErrors(members.json, 'RATE_LIMITED');
    const others = await post(api, search, {}, bob.accessToken);
    expect(others.json?.errors).toBeUndefined();
  });
});
