import {
  PresenceState,
  PresenceStatus,
  PresenceStore,
  PresenceTransition,
  TenantId,
  UserId,
} from '@chatter/core';
import { RedisConnection, unavailable } from './redis-connection';
import { RedisScript } from './redis-script';

/*
 * Keys (P = key prefix, M = "<tenant>:<user>", both URI-encoded so ':' cannot be ambiguous):
 *   P presence:conns:M   sorted set  connectionId → expiry (epoch ms)
 *   P presence:user:M    hash        status (as last announced), activity, seen (epoch ms)
 *   P presence:due       sorted set  M → when the sweep must look at the user (earliest expiry)
 *   P presence:active    sorted set  M → last activity, for users announced ONLINE (AWAY candidates)
 * Every change runs in one Lua script, so each transition is returned to exactly one caller.
 * The sweep builds per-user keys from index members, so this layout targets a single Redis (or a
 * primary with replicas), not Redis Cluster.
 */
const PRELUDE = `
local function refresh_due(due, conns, member)
  local first = redis.call('ZRANGE', conns, 0, 0, 'WITHSCORES')
  if first[2] then redis.call('ZADD', due, first[2], member) else redis.call('ZREM', due, member) end
end
local function announced(user)
  local s = redis.call('HGET', user, 'status')
  if s == 'ONLINE' or s == 'AWAY' then return s end
  return 'OFFLINE'
end
`;

// KEYS: conns, user, due, active. ARGV: member, connectionId, now, ttl.
const CONNECT = new RedisScript(`${PRELUDE}
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
redis.call('HSET', KEYS[2], 'activity', ARGV[3], 'seen', ARGV[3])
refresh_due(KEYS[3], KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
if announced(KEYS[2]) == 'ONLINE' then return false end
redis.call('HSET', KEYS[2], 'status', 'ONLINE')
return {'ONLINE', ARGV[3]}
`);

// KEYS: conns, user, due. ARGV: member, connectionId, now, ttl.
const HEARTBEAT = new RedisScript(`${PRELUDE}
local now = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
if redis.call('HEXISTS', KEYS[2], 'activity') == 0 then redis.call('HSET', KEYS[2], 'activity', ARGV[3]) end
redis.call('HSET', KEYS[2], 'seen', ARGV[3])
if announced(KEYS[2]) == 'OFFLINE' then
  -- swept while its instance stalled: due now, so the next sweep announces it again
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
else
  refresh_due(KEYS[3], KEYS[1], ARGV[1])
end
return 1
`);

// KEYS: conns, user, active. ARGV: member, now.
const ACTIVITY = new RedisScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
redis.call('HSET', KEYS[2], 'activity', ARGV[2])
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf') == 0 then return false end
redis.call('HSET', KEYS[2], 'seen', ARGV[2])
local status = announced(KEYS[2])
if status == 'OFFLINE' then return false end
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if status == 'ONLINE' then return false end
redis.call('HSET', KEYS[2], 'status', 'ONLINE')
return {'ONLINE', ARGV[2]}
`);

// KEYS: conns, user, due, active. ARGV: member, connectionId, now.
const DISCONNECT = new RedisScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
if redis.call('ZREM', KEYS[1], ARGV[2]) == 1 then redis.call('HSET', KEYS[2], 'seen', ARGV[3]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[1]) > 0 then
  refresh_due(KEYS[3], KEYS[1], ARGV[1])
  return false
end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
if announced(KEYS[2]) == 'OFFLINE' then return false end
redis.call('HSET', KEYS[2], 'status', 'OFFLINE')
return {'OFFLINE', redis.call('HGET', KEYS[2], 'seen')}
`);

// KEYS: due, active. ARGV: conns key prefix, user key prefix, now, awayAfterMs, batch limit.
const SWEEP = new RedisScript(`${PRELUDE}
local now = tonumber(ARGV[3])
local away = tonumber(ARGV[4])
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'LIMIT', 0, ARGV[5])
local idle = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - away, 'LIMIT', 0, ARGV[5])
for _, m in ipairs(idle) do table.insert(members, m) end
local visited = {}
local out = {}
for _, m in ipairs(members) do
  if not visited[m] then
    visited[m] = true
    local conns = ARGV[1] .. m
    local user = ARGV[2] .. m
    redis.call('ZREMRANGEBYSCORE', conns, '-inf', ARGV[3])
    local status = 'OFFLINE'
    local activity = redis.call('HGET', user, 'activity')
    if redis.call('ZCARD', conns) > 0 then
      if now - tonumber(activity or ARGV[3]) >= away then status = 'AWAY' else status = 'ONLINE' end
      refresh_due(KEYS[1], conns, m)
    else
      redis.call('ZREM', KEYS[1], m)
    end
    if status == 'ONLINE' then
      redis.call('ZADD', KEYS[2], activity or ARGV[3], m)
    else
      redis.call('ZREM', KEYS[2], m)
    end
    if announced(user) ~= status then
      redis.call('HSET', user, 'status', status)
      local seen = ARGV[3]
      if status == 'OFFLINE' then seen = redis.call('HGET', user, 'seen') end
      table.insert(out, {m, status, seen})
    end
  end
end
return out
`);

const STATUSES: readonly PresenceStatus[] = ['ONLINE', 'AWAY', 'OFFLINE'];

const toStatus = (value: unknown): PresenceStatus => {
  const status = STATUSES.find((s) => s === value);
  if (!status) throw unavailable('presence', new Error(`unexpected status ${String(value)}`));
  return status;
};

const toDate = (value: unknown): Date | null =>
  value === null || value === undefined || value === false ? null : new Date(Number(value));

const memberOf = (tenantId: string, userId: string) =>
  `${encodeURIComponent(tenantId)}:${encodeURIComponent(userId)}`;

export interface RedisPresenceStoreOptions {
  keyPrefix?: string;
  /** Users examined per sweep call at most (per index); the rest wait for the next sweep. */
  sweepBatch?: number;
}

/** Presence shared by all instances through Redis; see the key layout above. */
export class RedisPresenceStore extends PresenceStore {
  private readonly prefix: string;
  private readonly sweepBatch: number;

  constructor(
    private readonly connection: RedisConnection,
    options: RedisPresenceStoreOptions = {},
  ) {
    super();
    this.prefix = `${options.keyPrefix ?? connection.keyPrefix}presence:`;
    this.sweepBatch = options.sweepBatch ?? 1000;
  }

  async connect(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    ttlMs: number,
    now: Date,
  ): Promise<PresenceTransition | null> {
    const m = memberOf(tenantId, userId);
    const reply = await this.run(
      CONNECT,
      [this.conns(m), this.user(m), this.due, this.active],
      [m, connectionId, now.getTime(), ttlMs],
    );
    return this.transition(tenantId, userId, reply);
  }

  async heartbeat(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    ttlMs: number,
    now: Date,
  ): Promise<void> {
    const m = memberOf(tenantId, userId);
    await this.run(
      HEARTBEAT,
      [this.conns(m), this.user(m), this.due],
      [m, connectionId, now.getTime(), ttlMs],
    );
  }

  async activity(
    tenantId: TenantId,
    userId: UserId,
    now: Date,
  ): Promise<PresenceTransition | null> {
    const m = memberOf(tenantId, userId);
    const reply = await this.run(
      ACTIVITY,
      [this.conns(m), this.user(m), this.active],
      [m, now.getTime()],
    );
    return this.transition(tenantId, userId, reply);
  }

  async disconnect(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    now: Date,
  ): Promise<PresenceTransition | null> {
    const m = memberOf(tenantId, userId);
    const reply = await this.run(
      DISCONNECT,
      [this.conns(m), this.user(m), this.due, this.active],
      [m, connectionId, now.getTime()],
    );
    return this.transition(tenantId, userId, reply);
  }

  async get(
    tenantId: TenantId,
    userIds: readonly UserId[],
    now: Date,
    awayAfterMs: number,
  ): Promise<PresenceState[]> {
    if (userIds.length === 0) return [];
    const t = now.getTime();
    const pipeline = this.connection.client.pipeline();
    for (const userId of userIds) {
      const m = memberOf(tenantId, userId);
      pipeline.zcount(this.conns(m), `(${t}`, '+inf');
      pipeline.hmget(this.user(m), 'activity', 'seen');
    }
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      throw unavailable('presence read', error);
    }
    if (!replies) throw unavailable('presence read', new Error('no reply'));
    return userIds.map((userId, i) => {
      const [countError, count] = replies[2 * i] ?? [new Error('missing reply'), 0];
      const [hashError, hash] = replies[2 * i + 1] ?? [new Error('missing reply'), []];
      if (countError || hashError) throw unavailable('presence read', countError ?? hashError);
      const [activity, seen] = hash as [string | null, string | null];
      if (Number(count) === 0) return { userId, status: 'OFFLINE', lastSeenAt: toDate(seen) };
      const idle = t - Number(activity ?? t) >= awayAfterMs;
      return { userId, status: idle ? 'AWAY' : 'ONLINE', lastSeenAt: now };
    });
  }

  async sweep(now: Date, awayAfterMs: number): Promise<PresenceTransition[]> {
    const reply = (await this.run(
      SWEEP,
      [this.due, this.active],
      [`${this.prefix}conns:`, `${this.prefix}user:`, now.getTime(), awayAfterMs, this.sweepBatch],
    )) as [string, string, string | null][];
    return reply.map(([member, status, seen]) => {
      const [tenantId = '', userId = ''] = member.split(':').map(decodeURIComponent);
      return { tenantId, userId, status: toStatus(status), lastSeenAt: toDate(seen) };
    });
  }

  async isReady(): Promise<boolean> {
    return this.connection.ping();
  }

  private get due(): string {
    return `${this.prefix}due`;
  }

  private get active(): string {
    return `${this.prefix}active`;
  }

  private conns(member: string): string {
    return `${this.prefix}conns:${member}`;
  }

  private user(member: string): string {
    return `${this.prefix}user:${member}`;
  }

  private transition(tenantId: string, userId: string, reply: unknown): PresenceTransition | null {
    if (!Array.isArray(reply)) return null;
    const [status, seen] = reply as [string, string | null];
    return { tenantId, userId, status: toStatus(status), lastSeenAt: toDate(seen) };
  }

  private async run(
    script: RedisScript,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    try {
      return await script.run(this.connection.client, keys, args);
    } catch (error) {
      throw unavailable('presence', error);
    }
  }
}
