import { connect as tcpConnect } from 'node:net';
import { DomainError } from '@chatter/core';
import { LocalService, TestService, requireBinary, requireService } from '@chatter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from './redis-connection';
import { RedisRateLimiter } from './redis-rate-limiter';

const hasRedis = requireService('redis', 'Redis with maxmemory and noeviction');

/** True once a Redis on `port` answers PING. */
const pongs = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });

// The memory policy of k8s/dependencies/redis.yaml and docker-compose.yml: when Redis is full,
// writes fail cleanly (UNAVAILABLE to the caller) instead of evicting rate-limit counters.
describe.skipIf(!hasRedis)('a full Redis with maxmemory-policy noeviction', () => {
  let redis: TestService;
  beforeAll(async () => {
    redis = await LocalService.start({
      binary: requireBinary('redis'),
      args: (port) => [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory',
        '4mb',
        '--maxmemory-policy',
        'noeviction',
      ],
      probe: pongs,
      url: (port) => `redis://127.0.0.1:${port}`,
    });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('refuses writes with OOM: rate limits fail with UNAVAILABLE, nothing is evicted', async () => {
    const connection = await RedisConnection.connect(redis.url, { name: 'memory-full' });
    try {
      const limiter = new RedisRateLimiter(connection);
      expect((await limiter.consume('login:+14155550100', 5, 60_000)).allowed).toBe(true);
      // Fill memory until Redis refuses writes.
      let full = false;
      for (let i = 0; i < 64 && !full; i++)
        full = await connection.client.set(`filler:${i}`, 'x'.repeat(256 * 1024)).then(
          () => false,
          (e: Error) => /OOM/.test(e.message),
        );
      expect(full).toBe(true);
      // Then small ones until even they are refused, and the rate limiter right after: at the
      // edge of maxmemory a freed query buffer can let one more write through, so fill again.
      const fillSmall = async (round: number) => {
        for (let i = 0; i < 100_000; i++) {
          const refused = await connection.client.set(`filler:${round}:${i}`, 'y'.repeat(64)).then(
            () => false,
            (e: Error) => /OOM/.test(e.message),
          );
          if (refused) return;
        }
      };
      let error: unknown;
      for (let round = 0; round < 5 && !error; round++) {
        await fillSmall(round);
        error = await limiter.consume('login:+14155550100', 5, 60_000).then(
          () => undefined,
          (e: unknown) => e,
        );
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'UNAVAILABLE' });
      expect((error as Error).message).toMatch(/OOM/);
      // Nothing was evicted: the earlier counter is still there.
      const keys = await connection.client.keys('*login:+14155550100*');
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      // A server of this test's own: empty it.
      await connection.client.flushall().catch(() => undefined);
      await connection.close();
    }
  });
});
