import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMongo, startRedis, TestMongo, TestService } from '@chatter/testing';
import { ApiProcess, gql, nextPhone, startApi } from '../support';
import { STREAM } from '../realtime/realtime-helpers';
import {
  ackedSocket,
  appToken,
  CaseTable,
  finishSuite,
  newTenantSecret,
  RawSocket,
  waitFor,
} from './hardening-helpers';

/**
 * A tenant's signing secret is rotated on one instance of a cluster (MongoDB test engine, Redis
 * as store of limits and as bus): every instance closes the sockets that tokens signed with the
 * old secret opened, and a restart with the old DEFAULT_TENANT_SECRET does not bring it back.
 * Also: Redis's own error text never reaches a client.
 */
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const defaultSecret = newTenantSecret();
const table = new CaseTable('Secret rotation across two instances, and masked Redis errors');
let mongo: TestMongo;
let redis: TestService;
let env: Record<string, string>;
let a: ApiProcess;
let b: ApiProcess;
const apis: ApiProcess[] = [];

const ME = '{ me { id } }';
const CREATE = 'mutation($id:ID!){ createTenant(id:$id, name:"Acme"){ signingSecret } }';
const ROTATE = 'mutation($id:ID!){ rotateTenantSecret(id:$id){ signingSecret } }';
const admin = (api: ApiProcess, query: string, variables: Record<string, unknown>) =>
  gql<Record<string, { signingSecret: string }>>(api, query, variables, undefined, {
    'x-admin-token': ADMIN_TOKEN,
  });
const codeOf = (r: { errors?: { extensions?: { code?: unknown } }[] }) =>
  r.errors?.[0]?.extensions?.code ?? 'data';

/** A socket with a running chatEvents subscription (the stream a client keeps open). */
async function streaming(api: ApiProcess, token: string): Promise<RawSocket> {
  const s = await ackedSocket(api, token);
  s.send({ id: 'stream', type: 'subscribe', payload: { query: STREAM, variables: {} } });
  return s;
}
const isOpen = (s: RawSocket) => s.ws.readyState === s.ws.OPEN;

beforeAll(async () => {
  [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
  env = {
    MONGODB_URI: mongo.uri,
    REDIS_URL: redis.url,
    BUS: 'redis',
    JWT_SECRET: `rotation-${randomBytes(16).toString('hex')}`,
    DEFAULT_TENANT_SECRET: defaultSecret,
    ADMIN_TOKEN,
  };
  // One after the other (see hostile-limits.spec.ts: the test engine and concurrent first boots).
  a = await startApi(env);
  b = await startApi(env);
  apis.push(a, b);
}, 90_000);

afterAll(async () => {
  await finishSuite(table, apis);
  await Promise.all([mongo?.stop(), redis?.stop()]);
});

describe('rotating a tenant signing secret', () => {
  it('closes with 4403, on every instance, the sockets opened with tokens of the old secret, and only those', async () => {
    const old = (await admin(a, CREATE, { id: 'acme' })).data!.createTenant!.signingSecret;
    const acmeToken = await appToken(old, 'ann', { tenant: 'acme' });
    const otherTenant = await appToken(defaultSecret, 'dan');
    const sockets = {
      idleOnB: await ackedSocket(b, acmeToken),
      streamingOnB: await streaming(b, acmeToken),
      streamingOnA: await streaming(a, acmeToken),
      otherTenantOnB: await streaming(b, otherTenant),
    };
    const closes = Object.fromEntries(Object.entries(sockets).map(([k, s]) => [k, s.closed]));

    const rotated = await admin(a, ROTATE, { id: 'acme' });
    const fresh = rotated.data!.rotateTenantSecret!.signingSecret;
    expect(fresh).not.toBe(old);

    for (const key of ['idleOnB', 'streamingOnB', 'streamingOnA'] as const) {
      const closed = await Promise.race([
        closes[key]!,
        new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
      ]);
      table.add(
        `acme socket ${key}, after rotation on A`,
        'close',
        '4403',
        closed ? String(closed.code) : 'still open after 10 s',
      );
      expect(closed?.code, key).toBe(4403);
    }
    // Another tenant's socket is untouched.
    expect(isOpen(sockets.otherTenantOnB)).toBe(true);
    // The old token is refused everywhere; a token of the new secret works everywhere.
    for (const api of [a, b])
      expect(codeOf(await gql(api, ME, {}, acmeToken))).toBe('UNAUTHENTICATED');
    const renewed = await appToken(fresh, 'ann', { tenant: 'acme' });
    const again = await streaming(b, renewed);
    expect(isOpen(again)).toBe(true);
    for (const s of [sockets.otherTenantOnB, again]) s.ws.close(1000);
  }, 60_000);

  it('is not undone by a restart with the old DEFAULT_TENANT_SECRET', async () => {
    const oldToken = await appToken(defaultSecret, 'olga');
    expect(codeOf(await gql(a, ME, {}, oldToken))).toBe('data');
    const fresh = (await admin(a, ROTATE, { id: 'default' })).data!.rotateTenantSecret!
      .signingSecret;

    // B restarts with the configuration it had: DEFAULT_TENANT_SECRET is still the old secret.
    await b.stop();
    b = await startApi(env);
    apis[1] = b;
    await waitFor('the warning about the ignored DEFAULT_TENANT_SECRET', () =>
      b.output().includes('DEFAULT_TENANT_SECRET differs'),
    );
    for (const api of [a, b]) {
      const answer = codeOf(await gql(api, ME, {}, await appToken(defaultSecret, 'olga')));
      table.add(
        'old default-tenant token after rotation and a restart with the old DEFAULT_TENANT_SECRET',
        'HTTP',
        'UNAUTHENTICATED',
        String(answer),
      );
      expect(answer).toBe('UNAUTHENTICATED');
      expect(codeOf(await gql(api, ME, {}, await appToken(fresh, 'olga')))).toBe('data');
    }
  }, 60_000);
});

describe('errors of Redis', () => {
  it('reach clients as SERVICE_UNAVAILABLE without Redis internals (NOAUTH)', async () => {
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      // Redis now wants a password the instances do not have: their reconnects get NOAUTH.
      await client.config('SET', 'requirepass', `pw-${randomBytes(8).toString('hex')}`);
      await client.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await client.client('KILL', 'TYPE', 'pubsub');
      let answer = await gql(a, 'mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', {
        p: nextPhone(),
      });
      for (let i = 0; i < 20 && !answer.errors; i++) {
        await new Promise((r) => setTimeout(r, 100));
        answer = await gql(a, 'mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', {
          p: nextPhone(),
        });
      }
      const text = JSON.stringify(answer.errors);
      table.add(
        'requestLoginCode while Redis refuses the instance (NOAUTH)',
        'HTTP',
        'SERVICE_UNAVAILABLE, no Redis text',
        `${codeOf(answer)} ${answer.errors?.[0]?.message ?? ''}`,
      );
      expect(codeOf(answer), text).toBe('SERVICE_UNAVAILABLE');
      expect(text).not.toMatch(
        /NOAUTH|auth|redis|stream|connection|writeable|127\.0\.0\.1|:\d{4,5}/i,
      );
      // The operator still learns what happened.
      await waitFor('the Redis failure in the server log', () =>
        /dependency was unavailable/.test(a.output()),
      );
    } finally {
      await client.config('SET', 'requirepass', '');
      client.disconnect();
    }
  }, 30_000);
});
