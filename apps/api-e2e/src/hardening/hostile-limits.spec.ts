import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMongo, startRedis, TestMongo, TestService } from '@chatter/testing';
import { ApiProcess, nextPhone, ok, Session, startApi } from '../support';
import { history } from '../realtime/realtime-helpers';
import {
  ackedSocket,
  appUser,
  CaseTable,
  expectCleanErrors,
  newTenantSecret,
  outcomeOf,
  post,
  RawSocket,
  tryUpgrade,
  UpgradeAnswer,
  wsCode,
  wsOperation,
  SEND_MESSAGE,
  finishSuite,
} from './hardening-helpers';

/**
 * Rate limits hold per user and per client address across instances (two API processes on the
 * MongoDB test engine and one Redis), over HTTP and WebSocket, with a clear code and a retry
 * hint. The instances sit behind one (simulated) reverse proxy, TRUST_PROXY=1: the proxy appends
 * the address it saw to X-Forwarded-For, and whatever the client put before it must not count.
 */
const secret = newTenantSecret();
const table = new CaseTable('Rate limits across two instances (shared Redis)');
let mongo: TestMongo;
let redis: TestService;
let a: ApiProcess;
let b: ApiProcess;
let apis: ApiProcess[] = [];

const REQUEST = 'mutation($p:String!){ requestLoginCode(phone:$p){ sent } }';
const VERIFY =
  'mutation($p:String!,$c:String!){ verifyLoginCode(phone:$p, code:$c, name:"X"){ accessToken } }';
/** What the proxy forwards: the client's own (forgeable) header, then the address the proxy saw. */
const viaProxy = (realClient: string, forged: string) => ({
  'x-forwarded-for': `${forged}, ${realClient}`,
});
const other = (i: number) => (i % 2 ? b : a);

beforeAll(async () => {
  [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
  const env = {
    MONGODB_URI: mongo.uri,
    REDIS_URL: redis.url,
    BUS: 'redis',
    JWT_SECRET: `limits-${randomBytes(16).toString('hex')}`,
    DEFAULT_TENANT_SECRET: secret,
    TRUST_PROXY: '1',
    // Low enough to test across instances; the other cases open at most 31 sockets per address.
    WS_CONNECTS_PER_IP: '40',
  };
  // One after the other: the MongoDB test engine can let two concurrent first boots both insert
  // the default tenant's general channel past its unique index (real MongoDB does not).
  a = await startApi(env);
  b = await startApi(env);
  apis = [a, b];
}, 90_000);

afterAll(async () => {
  await finishSuite(table, apis);
  await Promise.all([mongo?.stop(), redis?.stop()]);
});

const expectLimited = (result: Parameters<typeof expectCleanErrors>[0]) => {
  expectCleanErrors(result, 'RATE_LIMITED');
  const hint = Number(result?.errors?.[0]?.extensions?.retryAfterSeconds);
  expect(Number.isInteger(hint) && hint >= 1, JSON.stringify(result)).toBe(true);
  return hint;
};

describe('per user', () => {
  let ada: Session;
  let bob: Session;
  let conv = '';

  beforeAll(async () => {
    [ada, bob] = await Promise.all([appUser(a, 'Ada', secret), appUser(b, 'Bob', secret)]);
    conv = (
      await ok<{ createGroup: { id: string } }>(
        a,
        'mutation($m:[ID!]!){ createGroup(input:{title:"Limits", memberIds:$m}){ id } }',
        { m: [bob.userId] },
        ada.accessToken,
      )
    ).createGroup.id;
  });

  it('30 sends per 10 s, counted across both instances: of 32 concurrent sends 2 are RATE_LIMITED with a hint and store nothing', async () => {
    // All 32 are in flight at once, so every one reaches the limiter well inside the 10 s window.
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        post(other(i), SEND_MESSAGE, { c: conv, k: `s-${i}`, b: `m${i}` }, ada.accessToken),
      ),
    );
    const codes = answers.map((x) => x.json?.errors?.[0]?.extensions?.code ?? 'ok');
    const limited = answers.filter((x) => x.json?.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    const hints = limited.map((x) => expectLimited(x.json));
    const okCount = codes.filter((c) => c === 'ok').length;
    table.add(
      '32 concurrent sends by one user (instances alternate)',
      'HTTP a+b',
      '30 ok, 2× 200 RATE_LIMITED + retryAfterSeconds',
      `${okCount} ok, ${limited.length}× ${limited[0] ? outcomeOf(limited[0]) : '-'} + retryAfterSeconds=${hints.join(',')}`,
      okCount === 30 && limited.length === 2,
    );
    expect(codes.filter((c) => c === 'ok')).toHaveLength(30);
    expect(limited).toHaveLength(2);
    expect(Math.max(...hints)).toBeLessThanOrEqual(10);
    expect((await history(b, bob, conv)).length).toBe(30);
    // Another user is not affected by Ada's budget.
    expect(
      (await post(b, SEND_MESSAGE, { c: conv, k: 'bob-1', b: 'fine' }, bob.accessToken)).json
        ?.errors,
    ).toBeUndefined();
  });

  it('120 other writes per 10 s across instances and transports: of 125 concurrent addMembers calls 5 are RATE_LIMITED', async () => {
    const cyd = await appUser(a, 'Cyd', secret);
    // createGroup is the first write of Cyd's budget; 124 addMembers follow (an empty list still counts).
    const room = (
      await ok<{ createGroup: { id: string } }>(
        a,
        'mutation { createGroup(input:{title:"Writes", memberIds:[]}){ id } }',
        {},
        cyd.accessToken,
      )
    ).createGroup.id;
    const ADD = 'mutation($c:ID!){ addMembers(conversationId:$c, userIds:[]){ id } }';
    // Two sockets of 12 operations each: under the 20-operations-per-socket limit.
    const sockets = await Promise.all([
      ackedSocket(b, cyd.accessToken),
      ackedSocket(a, cyd.accessToken),
    ]);
    const codes = await Promise.all([
      ...Array.from({ length: 100 }, (_, i) =>
        post(other(i), ADD, { c: room }, cyd.accessToken).then(
          (x) => x.json?.errors?.[0]?.extensions?.code ?? 'ok',
        ),
      ),
      ...Array.from({ length: 24 }, (_, i) =>
        wsOperation(sockets[i % 2]!, ADD, { c: room }).then((r) =>
          wsCode(r) === 'data' ? 'ok' : wsCode(r),
        ),
      ),
    ]);
    const count = codes.reduce<Record<string, number>>(
      (acc, c) => ((acc[c] = (acc[c] ?? 0) + 1), acc),
      {},
    );
    const viaHttp = await post(a, ADD, { c: room }, cyd.accessToken);
    table.add(
      '1 + 124 concurrent writes (addMembers; 100 HTTP a+b, 24 WS a+b)',
      'HTTP+WS',
      '119 ok + 5 RATE_LIMITED',
      `${count.ok ?? 0} ok + ${count.RATE_LIMITED ?? 0} RATE_LIMITED${Object.keys(count).length > 2 ? ` + ${JSON.stringify(count)}` : ''}`,
    );
    expect(count).toEqual({ ok: 119, RATE_LIMITED: 5 });
    expectLimited(viaHttp.json);
    sockets.forEach((s) => s.ws.close(1000));
  });
});

describe('per client address (behind one proxy hop)', () => {
  it('30 code requests per address across instances; a forged X-Forwarded-For prefix does not reset the count', async () => {
    const client = '198.51.100.77';
    const phones = Array.from({ length: 31 }, () => nextPhone());
    const answers = [];
    for (let i = 0; i < 31; i++)
      answers.push(
        await post(
          other(i),
          REQUEST,
          { p: phones[i] },
          undefined,
          viaProxy(client, `203.0.113.${i + 1}`),
        ),
      );
    expect(answers.slice(0, 30).map((x) => x.json?.errors?.[0]?.extensions?.code ?? 'ok')).toEqual(
      Array(30).fill('ok'),
    );
    const hint = expectLimited(answers[30]!.json);
    table.add(
      '31st code request from one address (forged XFF prefix)',
      'HTTP a+b',
      '200 RATE_LIMITED + retryAfterSeconds',
      `${outcomeOf(answers[30]!)} + retryAfterSeconds=${hint}`,
      outcomeOf(answers[30]!) === '200 RATE_LIMITED',
    );
    await new Promise((r) => setTimeout(r, 300));
    // The refused request sent no SMS on either instance.
    for (const api of apis) expect(api.output()).not.toContain(`login code for ${phones[30]}`);
    // Another address is not affected.
    expect(
      (
        await post(
          a,
          REQUEST,
          { p: nextPhone() },
          undefined,
          viaProxy('198.51.100.99', '203.0.113.1'),
        )
      ).json?.errors,
    ).toBeUndefined();
  });

  it('60 sign-in attempts per address across instances: the 61st is RATE_LIMITED', async () => {
    const client = '198.51.100.88';
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        post(
          other(i),
          VERIFY,
          { p: nextPhone(), c: '123456' },
          undefined,
          viaProxy(client, `203.0.113.${i + 1}`),
        ),
      ),
    );
    expect(new Set(answers.map((x) => x.json?.errors?.[0]?.extensions?.code))).toEqual(
      new Set(['LOGIN_CODE_EXPIRED']),
    );
    const last = await post(
      b,
      VERIFY,
      { p: nextPhone(), c: '123456' },
      undefined,
      viaProxy(client, '203.0.113.250'),
    );
    table.add(
      '61st verifyLoginCode from one address',
      'HTTP a+b',
      '200 RATE_LIMITED + retryAfterSeconds',
      outcomeOf(last) +
        (last.json?.errors?.[0]?.extensions?.retryAfterSeconds ? ' + retryAfterSeconds' : ''),
    );
    expectLimited(last.json);
  });

  it('keeps login codes only as keyed hashes in Redis (the code itself is nowhere in it)', async () => {
    const phone = nextPhone();
    await post(a, REQUEST, { p: phone }, undefined, viaProxy('198.51.100.44', '203.0.113.9'));
    const code = await Promise.any([a.loginCode(phone), b.loginCode(phone)]);
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      const dump: string[] = [];
      for (const key of keys) {
        const type = await client.type(key);
        if (type === 'string') dump.push(`${key}=${await client.get(key)}`);
        else if (type === 'hash') dump.push(`${key}=${JSON.stringify(await client.hgetall(key))}`);
        else if (type === 'zset')
          dump.push(`${key}=${JSON.stringify(await client.zrange(key, 0, -1, 'WITHSCORES'))}`);
        else if (type === 'list')
          dump.push(`${key}=${JSON.stringify(await client.lrange(key, 0, -1))}`);
        else if (type === 'set') dump.push(`${key}=${JSON.stringify(await client.smembers(key))}`);
        else dump.push(key);
      }
      const holding = dump.filter((d) => d.includes(phone));
      // (Only the entries of this number are searched: timestamps elsewhere may contain any 6 digits.)
      const leaking = holding.filter((d) => d.split('=').slice(1).join('=').includes(code));
      table.add(
        'login code at rest (Redis)',
        'store',
        'hash only, code absent',
        holding.length > 0 && leaking.length === 0
          ? 'hash only, code absent'
          : `code found or no entry (${holding.length} entries)`,
      );
      expect(holding.length).toBeGreaterThan(0);
      expect(leaking).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it('counts guesses at one code atomically in Redis: of 30 parallel wrong codes on both instances exactly 5 are checked', async () => {
    const phone = nextPhone();
    const client = viaProxy('198.51.100.66', '203.0.113.7');
    await post(a, REQUEST, { p: phone }, undefined, client);
    const code = await Promise.any([a.loginCode(phone), b.loginCode(phone)]);
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(other(i), VERIFY, { p: phone, c: wrong(i) }, undefined, client),
      ),
    );
    const counts = answers.reduce<Record<string, number>>((acc, x) => {
      const c = x.json?.errors?.[0]?.extensions?.code ?? 'ok';
      acc[c] = (acc[c] ?? 0) + 1;
      return acc;
    }, {});
    const right = await post(b, VERIFY, { p: phone, c: code }, undefined, client);
    table.add(
      '30 parallel wrong codes on two instances',
      'HTTP a+b',
      '4 INVALID + 26 EXPIRED, right code EXPIRED',
      `${counts.LOGIN_CODE_INVALID ?? 0} INVALID + ${counts.LOGIN_CODE_EXPIRED ?? 0} EXPIRED, right code ${right.json?.errors?.[0]?.extensions?.code?.replace('LOGIN_CODE_', '') ?? 'accepted'}`,
    );
    expect(counts).toEqual({ LOGIN_CODE_INVALID: 4, LOGIN_CODE_EXPIRED: 26 });
    expectCleanErrors(right.json, 'LOGIN_CODE_EXPIRED');
  });

  it('the same per-address code limit holds over WebSocket: a forged X-Forwarded-For prefix per socket must not reset it', async () => {
    const client = '198.51.100.55';
    const requester = await appUser(a, 'Requester', secret);
    const sockets: RawSocket[] = [];
    const codes: string[] = [];
    const phones = Array.from({ length: 31 }, () => nextPhone());
    for (let i = 0; i < 31; i++) {
      // One socket per forged address, alternating instances, all through the same proxy client.
      const s = await ackedSocket(
        other(i),
        requester.accessToken,
        viaProxy(client, `203.0.113.${100 + i}`),
      );
      sockets.push(s);
      codes.push(wsCode(await wsOperation(s, REQUEST, { p: phones[i] })));
    }
    sockets.forEach((s) => s.ws.close(1000));
    table.add(
      '31st code request over WS from one address (forged XFF prefix per socket)',
      'WS a+b',
      'RATE_LIMITED',
      codes[30]!,
    );
    expect(codes.slice(0, 30)).toEqual(Array(30).fill('data'));
    expect(codes[30]).toBe('RATE_LIMITED');
  });

  it('new WebSocket connections per address are counted across instances (WS_CONNECTS_PER_IP=40): the 41st upgrade is 429 with Retry-After', async () => {
    const client = '198.51.100.33';
    const answers: UpgradeAnswer[] = [];
    // Alternating instances, each upgrade with its own forged X-Forwarded-For prefix.
    for (let i = 0; i < 41; i++)
      answers.push(await tryUpgrade(other(i), viaProxy(client, `203.0.113.${i + 1}`)));
    answers.forEach((x) => x.socket?.ws.close(1000));
    const last = answers[40]!;
    const retryAfter = Number(last.headers['retry-after']);
    table.add(
      '41st WebSocket upgrade in 10 s from one address (forged XFF prefix)',
      'WS a+b',
      '40× 101, then 429 Retry-After 1..10',
      `${answers.slice(0, 40).filter((x) => x.status === 101).length}× 101, then ${last.status} Retry-After ${last.headers['retry-after'] ?? '-'}`,
      last.status === 429 && retryAfter >= 1 && retryAfter <= 10,
    );
    expect(answers.slice(0, 40).map((x) => x.status)).toEqual(Array(40).fill(101));
    expect(last.status).toBe(429);
    expect(last.socket).toBeNull();
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    // Another address is not affected.
    const elsewhere = await tryUpgrade(b, viaProxy('198.51.100.34', '203.0.113.1'));
    expect(elsewhere.status).toBe(101);
    elsewhere.socket?.ws.close(1000);
  });

  it('admits new sockets while Redis is unreachable (the connect rate fails open, like the chat limits), even for an address over its budget', async (ctx) => {
    if (redis.external) ctx.skip();
    const spent = viaProxy('198.51.100.33', '203.0.113.99');
    const before = await tryUpgrade(a, spent);
    await redis.kill();
    try {
      await new Promise((r) => setTimeout(r, 500));
      const during = await Promise.all([tryUpgrade(a, spent), tryUpgrade(b, spent)]);
      table.add(
        'new socket while Redis is down, address over its budget',
        'WS a+b',
        '429 before; 101 on both while down',
        `${before.status} before; ${during.map((x) => x.status).join(' and ')} while down`,
        before.status === 429 && during.every((x) => x.status === 101),
      );
      during.forEach((x) => x.socket?.ws.close(1000));
      expect(before.status).toBe(429);
      expect(during.map((x) => x.status)).toEqual([101, 101]);
    } finally {
      await redis.restart();
      for (const api of apis) {
        const until = Date.now() + 20_000;
        while (Date.now() < until && (await fetch(`${api.url}/readyz`)).status !== 200)
          await new Promise((r) => setTimeout(r, 250));
      }
    }
    for (const api of apis) expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  }, 60_000);
});
