import { randomBytes } from 'node:crypto';
import { DeliveryClaim, DeliveryLedger } from '@chatter/core';
import { RedisConnection, unavailable } from './redis-connection';
import { RedisScript } from './redis-script';

/** Takes the key when free; otherwise says whether it holds SENT or a live claim. */
const CLAIM = new RedisScript(`
local value = redis.call('GET', KEYS[1])
if not value then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'CLAIMED'
end
if value == 'SENT' then return 'SENT' end
return 'BUSY'
`);

/** Deletes the key only while it still holds this claim. */
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** The cluster's delivery ledger: one key per delivery, with the lease or retention as expiry. */
export class RedisDeliveryLedger extends DeliveryLedger {
  private readonly prefix: string;

  constructor(
    private readonly connection: RedisConnection,
    options: { keyPrefix?: string } = {},
  ) {
    super();
    this.prefix = `${options.keyPrefix ?? connection.keyPrefix}sent:`;
  }

  async claim(key: string, leaseMs: number): Promise<DeliveryClaim> {
    const token = `claim:${randomBytes(9).toString('base64url')}`;
    let reply: unknown;
    try {
      reply = await CLAIM.run(
        this.connection.client,
        [this.prefix + key],
        [token, Math.max(1, Math.ceil(leaseMs))],
      );
    } catch (error) {
      throw unavailable('delivery ledger', error);
    }
    if (reply === 'CLAIMED') return { outcome: 'CLAIMED', token };
    return { outcome: reply === 'SENT' ? 'SENT' : 'BUSY' };
  }

  async markSent(key: string, keepMs: number): Promise<void> {
    try {
      await this.connection.client.set(
        this.prefix + key,
        'SENT',
        'PX',
        Math.max(1, Math.ceil(keepMs)),
      );
    } catch (error) {
      throw unavailable('delivery ledger', error);
    }
  }

  async release(key: string, token: string): Promise<void> {
    try {
      await RELEASE.run(this.connection.client, [this.prefix + key], [token]);
    } catch (error) {
      throw unavailable('delivery ledger', error);
    }
  }
}
