import { RateLimitDecision, RateLimiter } from '@chatter/core';
import { RedisConnection, unavailable } from './redis-connection';
import { RedisScript } from './redis-script';

/** INCR and the window's expiry in one step; a key left without expiry is repaired. */
const CONSUME = new RedisScript(`
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`);

/** Fixed-window rate limits shared by every instance on the same Redis. */
export class RedisRateLimiter extends RateLimiter {
  private readonly prefix: string;

  constructor(
    private readonly connection: RedisConnection,
    options: { keyPrefix?: string } = {},
  ) {
    super();
    this.prefix = `${options.keyPrefix ?? connection.keyPrefix}rl:`;
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    let reply: unknown;
    try {
      reply = await CONSUME.run(
        this.connection.client,
        [this.prefix + key],
        [Math.max(1, Math.ceil(windowMs))],
      );
    } catch (error) {
      throw unavailable('rate limit', error);
    }
    const [count, ttl] = reply as [number, number];
    const allowed = count <= limit;
    return {
      allowed,
      remaining: Math.max(0, limit - count),
      retryAfterMs: allowed ? 0 : Math.max(1, ttl),
    };
  }

  async reset(key: string): Promise<void> {
    try {
      await this.connection.client.del(this.prefix + key);
    } catch (error) {
      throw unavailable('rate limit reset', error);
    }
  }
}
