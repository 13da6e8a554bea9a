import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './free-port';
import { startMongo, withDatabase } from './mongo';
import { startNats } from './nats';
import { probeNats, probeRedis, probeTcp } from './probes';
import { startRedis } from './redis';
import {
  ServiceUnavailable,
  findExecutable,
  requireService,
  serviceOrSkip,
  unavailable,
} from './service-availability';

const portOf = (url: string): number => Number(new URL(url).port);

const withEnv = async (vars: Record<string, string | undefined>, body: () => Promise<void>) => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    await body();
  } finally {
    apply(saved);
  }
};

describe('freePort', () => {
  it('returns a port that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(port, '127.0.0.1', resolve),
    );
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('availability rules', () => {
  it('outside CI, a missing service is a ServiceUnavailable that serviceOrSkip turns into null', async () => {
    await withEnv({ CI: undefined, PATH: '/nonexistent' }, async () => {
      expect(findExecutable('no-such-server-binary')).toBeUndefined();
      const err = unavailable('redis');
      expect(err).toBeInstanceOf(ServiceUnavailable);
      expect(err.message).toMatch(/redis-server/);
      expect(
        await serviceOrSkip('a suite', async () => {
          throw err;
        }),
      ).toBeNull();
    });
  });

  it('under CI=true, an unavailable service fails instead of skipping', async () => {
    await withEnv({ CI: 'true' }, async () => {
      const err = unavailable('nats');
      expect(err).not.toBeInstanceOf(ServiceUnavailable);
      expect(err.message).toMatch(/^CI=true and .*nats-server/);
      const missing = async () => {
        throw new ServiceUnavailable('mongo', 'jongodb missing');
      };
      await expect(serviceOrSkip('a suite', missing)).rejects.toThrow(/jongodb missing/);
    });
  });

  it('serviceOrSkip rethrows failures other than unavailability', async () => {
    await expect(
      serviceOrSkip('a suite', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('an environment URL counts as available and is used as is', async () => {
    await withEnv({ REDIS_URL: 'redis://example.invalid:6379' }, async () => {
      expect(requireService('redis', 'a suite')).toBe(true);
      const redis = await startRedis();
      expect(redis.external).toBe(true);
      expect(redis.url).toBe('redis://example.invalid:6379');
      await redis.stop(); // a no-op
      await expect(redis.restart()).rejects.toThrow(/external service/);
    });
  });

  it('puts a unique database name into an external MongoDB URI, keeping options', async () => {
    expect(withDatabase('mongodb://h1:1,h2:2/admin?replicaSet=rs', 'chatter_x')).toBe(
      'mongodb://h1:1,h2:2/chatter_x?replicaSet=rs',
    );
    expect(withDatabase('mongodb+srv://cluster.example', 'chatter_y')).toBe(
      'mongodb+srv://cluster.example/chatter_y',
    );
    await withEnv({ MONGODB_URI: 'mongodb://db.example:27017/?w=majority' }, async () => {
      const a = await startMongo();
      const b = await startMongo();
      expect(a.real).toBe(true);
      expect(a.uri).toMatch(/^mongodb:\/\/db\.example:27017\/chatter_[0-9a-f]{12}\?w=majority$/);
      expect(a.dbName).not.toBe(b.dbName);
    });
  });
});

const hasRedis = requireService('redis', 'harness: redis-server');
describe.skipIf(!hasRedis)('startRedis', () => {
  it('starts a private server that answers PING, survives restart on the same port, and stops', async () => {
    await withEnv({ REDIS_URL: undefined }, async () => {
      const redis = await startRedis();
      const port = portOf(redis.url);
      expect(await probeRedis(port)).toBe(true);
      await redis.kill();
      expect(await probeRedis(port)).toBe(false);
      await redis.restart();
      expect(portOf(redis.url)).toBe(port);
      expect(await probeRedis(port)).toBe(true);
      await redis.stop();
      expect(await probeRedis(port)).toBe(false);
    });
  });
});

const hasNats = requireService('nats', 'harness: nats-server');
describe.skipIf(!hasNats)('startNats', () => {
  it('starts a private server, restarts it on the same port, and stops it', async () => {
    await withEnv({ NATS_URL: undefined }, async () => {
      const nats = await startNats();
      const port = portOf(nats.url);
      expect(await probeNats(port)).toBe(true);
      await nats.restart();
      expect(await probeNats(port)).toBe(true);
      await nats.stop();
      expect(await probeNats(port)).toBe(false);
    });
  });
});

const hasMongo = requireService('mongo', 'harness: jongodb');
describe.skipIf(!hasMongo)('startMongo', () => {
  const started: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  it('starts the test engine with a database name unique per call', async () => {
    await withEnv({ MONGODB_URI: undefined }, async () => {
      const a = await startMongo();
      const b = await startMongo();
      started.push(a, b);
      expect(a.real).toBe(false);
      expect(a.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/chatter_[0-9a-f]{12}$/);
      expect(a.dbName).not.toBe(b.dbName);
      expect(await probeTcp(portOf(a.uri.replace('mongodb:', 'http:')))).toBe(true);
      await a.stop();
      expect(await probeTcp(portOf(a.uri.replace('mongodb:', 'http:')))).toBe(false);
    });
  });
});
