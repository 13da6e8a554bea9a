import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, Session, sleep, startApi } from '../support';
import { STREAM } from '../realtime/realtime-helpers';
import {
  ackedSocket,
  appUser,
  CaseTable,
  finishSuite,
  newTenantSecret,
  openSocket,
  RawSocket,
  SEND_MESSAGE,
  waitFor,
} from './hardening-helpers';

/**
 * Per-user limits and smaller hardening items, against one embedded API: sockets and
 * subscriptions per user, delivery receipts, the app-token audience, the modes of the SQLite
 * files, and full-text search that is scoped (and ranked) per tenant and rate limited.
 */
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const secret = newTenantSecret();
const table = new CaseTable('Per-user limits, receipts, audience, data files, search');
let api: ApiProcess;
const parent = mkdtempSync(join(tmpdir(), 'chatter-e2e-modes-'));

beforeAll(async () => {
  api = await startApi(
    {
      ADMIN_TOKEN,
      DEFAULT_TENANT_SECRET: secret,
      WS_MAX_SOCKETS_PER_USER: '3',
      WS_MAX_SUBSCRIPTIONS_PER_USER: '4',
    },
    // A data directory that does not exist yet: the API creates it.
    { dataDir: join(parent, 'fresh', 'data') },
  );
}, 60_000);

afterAll(async () => {
  await finishSuite(table, api ? [api] : []);
});

const codeOf = (r: { errors?: readonly { extensions?: { code?: unknown } }[] }) =>
  r.errors?.[0]?.extensions?.code ?? 'data';
const group = async (owner: Session, members: Session[] = []) =>
  (
    await ok<{ createGroup: { id: string } }>(
      api,
      'mutation($m:[ID!]!){ createGroup(input:{title:"G", memberIds:$m}){ id } }',
      { m: members.map((m) => m.userId) },
      owner.accessToken,
    )
  ).createGroup.id;
const send = async (who: Session, conversationId: string, body: string) =>
  (
    await ok<{ sendMessage: { id: string; seq: number } }>(
      api,
      SEND_MESSAGE,
      { c: conversationId, k: randomBytes(8).toString('hex'), b: body },
      who.accessToken,
    )
  ).sendMessage;

/** Opens a socket and sends connection_init; resolves with the socket (acknowledged or not). */
async function initSocket(token: string): Promise<RawSocket> {
  const s = await openSocket(api);
  s.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
  return s;
}

describe('per-user caps', () => {
  it('closes a user’s socket beyond WS_MAX_SOCKETS_PER_USER with 4429, whatever other users hold', async () => {
    const ann = await appUser(api, 'Ann', secret);
    const bob = await appUser(api, 'Bob', secret);
    const held = [
      await ackedSocket(api, ann.accessToken),
      await ackedSocket(api, ann.accessToken),
      await ackedSocket(api, ann.accessToken),
    ];
    const fourth = await initSocket(ann.accessToken);
    const closed = await fourth.closed;
    table.add("a user's 4th socket (cap 3)", 'WS', '4429', String(closed.code));
    expect(closed.code).toBe(4429);
    expect(fourth.messages.some((m) => m.type === 'connection_ack')).toBe(false);
    // Another user is not affected; a socket closed by the user frees its place.
    const bobs = await ackedSocket(api, bob.accessToken);
    held[0]!.ws.close(1000);
    await held[0]!.closed;
    let again: RawSocket | null = null;
    await waitFor('a place freed by a closed socket', async () => {
      again = await initSocket(ann.accessToken);
      const outcome = await Promise.race([
        again.next((m) => m.type === 'connection_ack', 2_000).then(() => 'ack'),
        again.closed.then(() => 'closed'),
      ]);
      return outcome === 'ack';
    });
    for (const s of [held[1]!, held[2]!, bobs, again!]) s.ws.close(1000);
  }, 30_000);

  it('refuses a subscription beyond WS_MAX_SUBSCRIPTIONS_PER_USER over all of a user’s sockets with RATE_LIMITED', async () => {
    const cy = await appUser(api, 'Cy', secret);
    const [one, two] = [
      await ackedSocket(api, cy.accessToken),
      await ackedSocket(api, cy.accessToken),
    ];
    for (const [s, id] of [
      [one, 's1'],
      [one, 's2'],
      [one, 's3'],
      [two, 's4'],
    ] as const)
      s.send({ id, type: 'subscribe', payload: { query: STREAM } });
    await sleep(500);
    two.send({ id: 's5', type: 'subscribe', payload: { query: STREAM } });
    // Refused as an execution result with errors, then completed (graphql-ws's shape for a failed subscription).
    const refused = await two.next(
      (m) => m.id === 's5' && m.type === 'next',
      5_000,
      'the refusal of s5',
    );
    const code = (refused.payload as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]
      ?.extensions?.code;
    table.add(
      "a user's 5th subscription on a 2nd socket (cap 4)",
      'WS',
      'RATE_LIMITED',
      String(code),
    );
    expect(code).toBe('RATE_LIMITED');
    const failed = (id: string) =>
      [...one.messages, ...two.messages].some(
        (m) => m.id === id && (m.type === 'error' || (m.payload as { errors?: unknown })?.errors),
      );
    expect(['s1', 's2', 's3', 's4'].some(failed)).toBe(false);
    // Completing one frees a place, for that user only.
    one.send({ id: 's1', type: 'complete' });
    await sleep(300);
    two.send({ id: 's6', type: 'subscribe', payload: { query: STREAM } });
    await sleep(500);
    expect(failed('s6')).toBe(false);
    for (const s of [one, two]) s.ws.close(1000);
  }, 30_000);
});

describe('markDelivered', () => {
  it('refuses a seq past the end of the conversation and more than 300 receipts per user in 10 s', async () => {
    const dee = await appUser(api, 'Dee', secret);
    const conv = await group(dee);
    const { seq } = await send(dee, conv, 'hello');
    const MARK = 'mutation($c:ID!,$s:Int!){ markDelivered(conversationId:$c, seq:$s) }';
    expect(codeOf(await gql(api, MARK, { c: conv, s: seq }, dee.accessToken))).toBe('data');
    const past = await gql(api, MARK, { c: conv, s: seq + 1_000 }, dee.accessToken);
    table.add('markDelivered past the last seq', 'HTTP', 'BAD_USER_INPUT', String(codeOf(past)));
    expect(codeOf(past)).toBe('BAD_USER_INPUT');

    // 30 aliases per request: 9 more requests reach 300 (with the two above: 302 tried, 300 allowed).
    const aliased = `mutation($c:ID!,$s:Int!){ ${Array.from({ length: 30 }, (_, i) => `d${i}: markDelivered(conversationId:$c, seq:$s)`).join(' ')} }`;
    // Mutations run in order, and the first refusal nulls the (non-null) rest: count the requests answered in full.
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await gql(api, aliased, { c: conv, s: seq }, dee.accessToken);
      outcomes.push(r.errors ? String(r.errors[0]?.extensions?.code) : 'all 30 true');
    }
    const summary = `${outcomes.filter((o) => o === 'all 30 true').length}× all true, then ${outcomes.at(-1)}`;
    table.add(
      '10 × 30 markDelivered after 2 (budget 300 per 10 s)',
      'HTTP',
      '9× all true, then RATE_LIMITED',
      summary,
    );
    expect(outcomes).toEqual([...Array<string>(9).fill('all 30 true'), 'RATE_LIMITED']);
  }, 30_000);
});

describe('app-token audience', () => {
  it('refuses tokens minted for another audience and accepts "chatter" or no aud', async () => {
    const { SignJWT } = await import('jose');
    const token = (aud: string | string[] | null) => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ name: 'Aud' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('app:default')
        .setSubject('aud-user')
        .setIssuedAt(now)
        .setExpirationTime(now + 600);
      if (aud !== null) jwt.setAudience(aud);
      return jwt.sign(new TextEncoder().encode(secret));
    };
    const cases: [string | string[] | null, string][] = [
      ['billing-service', 'UNAUTHENTICATED'],
      [['billing-service', 'analytics'], 'UNAUTHENTICATED'],
      ['', 'UNAUTHENTICATED'],
      ['chatter', 'data'],
      [['billing-service', 'chatter'], 'data'],
      [null, 'data'],
    ];
    for (const [aud, expected] of cases) {
      const got = String(codeOf(await gql(api, '{ me { id } }', {}, await token(aud))));
      table.add(`app token with aud ${JSON.stringify(aud)}`, 'HTTP', expected, got);
      expect(got, JSON.stringify(aud)).toBe(expected);
    }
    // The same holds when the token opens a socket.
    const s = await initSocket(await token('billing-service'));
    expect((await s.closed).code).toBe(4403);
  }, 30_000);
});

describe('data files', () => {
  it('creates the SQLite files 0600 inside a 0700 directory', async () => {
    const who = await appUser(api, 'Eli', secret);
    await send(who, await group(who), 'written to the log');
    const dir = join(parent, 'fresh', 'data');
    const files = readdirSync(dir).filter((f) => f.startsWith('chatter.sqlite'));
    const modes = Object.fromEntries([
      ['(directory)', statSync(dir).mode & 0o777],
      ...files.map((f) => [f, statSync(join(dir, f)).mode & 0o777]),
    ]);
    const ok = modes['(directory)'] === 0o700 && files.every((f) => modes[f] === 0o600);
    table.add(
      'SQLite data directory and files',
      'fs',
      'dir 700, files 600',
      Object.entries(modes)
        .map(([f, m]) => `${f} ${(m as number).toString(8)}`)
        .join(', '),
      ok,
    );
    expect(files).toContain('chatter.sqlite');
    expect(modes['(directory)']).toBe(0o700);
    for (const f of files) expect(modes[f], f).toBe(0o600);
  });
});

describe('message search', () => {
  it('is scoped to the tenant: another tenant’s messages change neither the hits nor their ranking', async () => {
    const created = await gql<{ createTenant: { signingSecret: string } }>(
      api,
      'mutation { createTenant(id: "other", name: "Other") { signingSecret } }',
      {},
      undefined,
      { 'x-admin-token': ADMIN_TOKEN },
    );
    const otherSecret = created.data!.createTenant.signingSecret;
    const [fay, gus] = [await appUser(api, 'Fay', secret), await appUser(api, 'Gus', secret)];
    const conv = await group(fay, [gus]);
    for (const body of [
      'good morning',
      'see you at noon',
      'on my way',
      'running late',
      'ok',
      'thanks',
    ])
      await send(gus, conv, body);
    const apples = await send(gus, conv, 'apple apple pear');
    const pears = await send(gus, conv, 'pear pear apple');
    const SEARCH =
      'query($q:String!){ searchMessages(query:$q, first: 20){ edges { node { id body } } } }';
    const order = async () =>
      (
        await ok<{ searchMessages: { edges: { node: { id: string } }[] } }>(
          api,
          SEARCH,
          { q: 'apple pear' },
          fay.accessToken,
        )
      ).searchMessages.edges.map((e) => e.node.id);
    const before = await order();
    expect([...before].sort()).toEqual([apples.id, pears.id].sort());

    // Another tenant writes one of the words a lot.
    const hal = await appUser(api, 'Hal', otherSecret, 'other');
    const theirs = await group(hal);
    for (let i = 0; i < 12; i++) await send(hal, theirs, `pear pear ${i}`);
    const after = await order();
    table.add(
      'search order of tenant A after tenant B wrote "pear" 12 times',
      'HTTP',
      before.join(' > '),
      after.join(' > '),
    );
    expect(after).toEqual(before);
    const theirHits = (
      await ok<{ searchMessages: { edges: unknown[] } }>(
        api,
        SEARCH,
        { q: 'pear' },
        hal.accessToken,
      )
    ).searchMessages.edges;
    expect(theirHits).toHaveLength(12);
  }, 30_000);
});
