import { LoginCodeAttempt, LoginCodeStore } from '@chatter/core';
import { RedisConnection, unavailable } from './redis-connection';
import { RedisScript } from './redis-script';

const PUT = new RedisScript(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'attempts', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/** Check, count and burn in one atomic step, so concurrent guesses cannot exceed the limit. */
const ATTEMPT = new RedisScript(`
local hash = redis.call('HGET', KEYS[1], 'hash')
if not hash then return 'missing' end
if hash == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 'ok'
end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return 'burned'
end
return 'mismatch'
`);

const OUTCOMES: readonly LoginCodeAttempt[] = ['ok', 'mismatch', 'burned', 'missing'];

/** Login-code hashes and attempt counters in Redis hashes that expire with the code. */
export class RedisLoginCodeStore extends LoginCodeStore {
  private readonly prefix: string;

  constructor(
    private readonly connection: RedisConnection,
    options: { keyPrefix?: string } = {},
  ) {
    super();
    this.prefix = `${options.keyPrefix ?? connection.keyPrefix}code:`;
  }

  async put(key: string, codeHash: string, ttlMs: number): Promise<void> {
    try {
      await PUT.run(
        this.connection.client,
        [this.prefix + key],
        [codeHash, Math.max(1, Math.ceil(ttlMs))],
      );
    } catch (error) {
      throw unavailable('login code write', error);
    }
  }

  async attempt(
    key: string,
    candidateHash: string,
    maxAttempts: number,
  ): Promise<LoginCodeAttempt> {
    let reply: unknown;
    try {
      reply = await ATTEMPT.run(
        this.connection.client,
        [this.prefix + key],
        [candidateHash, maxAttempts],
      );
    } catch (error) {
      throw unavailable('login code check', error);
    }
    const outcome = OUTCOMES.find((o) => o === reply);
    if (!outcome)
      throw unavailable('login code check', new Error(`unexpected reply ${String(reply)}`));
    return outcome;
  }
}
