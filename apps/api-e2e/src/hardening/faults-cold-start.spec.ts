import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isRealMongo,
  startMongo,
  startRedis,
  TestMongo,
  TestService,
  withDatabase,
} from '@chatter/testing';
import { ApiProcess, removeDataDir, startApi } from '../support';
import { newTenantSecret, readyz } from './hardening-helpers';

/**
 * A fault of deployment rather than of traffic: several replicas starting at the same moment on
 * an empty database (a fresh install, `kubectl scale`, a restarted cluster). Each must come up;
 * first-run setup (the default tenant and its general channel) must tolerate the others doing
 * the same thing at the same time.
 *
 * Real MongoDB only: on the jongodb test engine, about one concurrent cold start in seven ends
 * with two `general` channels despite the unique index, after which every instance exits with
 * E11000 at boot. Plain concurrent inserts are refused correctly by the engine, so this is most
 * likely its handling of concurrent createIndexes; whether real MongoDB can get there is what
 * this test checks.
 */
describe.skipIf(!isRealMongo())(
  'cold start of several instances on an empty database (real MongoDB)',
  () => {
    let mongo: TestMongo;
    let redis: TestService;
    const started: ApiProcess[] = [];

    beforeAll(async () => {
      [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
    }, 60_000);

    afterAll(async () => {
      await Promise.all(started.map((api) => api.stop()));
      started.forEach(removeDataDir);
      await Promise.all([mongo?.stop(), redis?.stop()]);
    });

    it('three instances started together on a fresh database all become ready (two fresh databases)', async () => {
      const outcomes: string[] = [];
      for (let trial = 0; trial < 2; trial++) {
        const env = {
          MONGODB_URI: withDatabase(mongo.uri, `chatter_cold_${randomBytes(4).toString('hex')}`),
          REDIS_URL: redis.url,
          BUS: 'redis',
          JWT_SECRET: 'cold-start-test-jwt-secret-0123456789abcdef',
          DEFAULT_TENANT_SECRET: newTenantSecret(),
        };
        const results = await Promise.allSettled([startApi(env), startApi(env), startApi(env)]);
        for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
        for (const r of results) {
          if (r.status === 'fulfilled') outcomes.push(`ready (/readyz ${await readyz(r.value)})`);
          else
            outcomes.push(
              `FAILED: ${
                String(r.reason)
                  .split('\n')
                  .find((l) => l.includes('failed to start')) ?? String(r.reason).slice(0, 200)
              }`,
            );
        }
      }
      console.log(
        `\ncold starts (2 fresh databases × 3 instances at once):\n  ${outcomes.join('\n  ')}`,
      );
      expect(outcomes.filter((o) => o.startsWith('FAILED'))).toEqual([]);
    }, 80_000);
  },
);
