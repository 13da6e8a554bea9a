import { TenantId, UserId } from '../shared/ids';
import {
  PresenceState,
  PresenceStatus,
  PresenceStore,
  PresenceTransition,
} from '../events/presence.port';
import { InMemoryBackend, InMemoryUserPresence } from './in-memory-backend';

const keyOf = (tenantId: string, userId: string) => `${tenantId}\u0000${userId}`;

/** Drops connections whose TTL passed; true when at least one connection is still alive. */
const pruneExpired = (user: InMemoryUserPresence, now: number): boolean => {
  for (const [connectionId, expiresAt] of user.connections) {
    if (expiresAt <= now) user.connections.delete(connectionId);
  }
  return user.connections.size > 0;
};

const isLive = (user: InMemoryUserPresence, now: number): boolean => {
  for (const expiresAt of user.connections.values()) if (expiresAt > now) return true;
  return false;
};

const statusOf = (user: InMemoryUserPresence, now: number, awayAfterMs: number): PresenceStatus => {
  if (!isLive(user, now)) return 'OFFLINE';
  return now - user.lastActivityAt >= awayAfterMs ? 'AWAY' : 'ONLINE';
};

/**
 * Presence for embedded mode. Each user's status "as announced" is kept beside the connections,
 * so a transition is returned once: by the call that caused it or by the sweep that found it.
 */
export class InMemoryPresenceStore extends PresenceStore {
  private readonly backend: InMemoryBackend;

  constructor(options: { backend?: InMemoryBackend } = {}) {
    super();
    this.backend = options.backend ?? new InMemoryBackend();
  }

  async connect(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    ttlMs: number,
    now: Date,
  ): Promise<PresenceTransition | null> {
    const t = now.getTime();
    const user = this.userOrCreate(tenantId, userId, t);
    pruneExpired(user, t);
    user.connections.set(connectionId, t + ttlMs);
    user.lastActivityAt = t;
    user.lastSeenAt = t;
    return this.announce(user, 'ONLINE', now);
  }

  async heartbeat(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    ttlMs: number,
    now: Date,
  ): Promise<void> {
    const t = now.getTime();
    // A connection swept while its instance stalled comes back alive; the next sweep announces it.
    const user = this.userOrCreate(tenantId, userId, t);
    user.connections.set(connectionId, t + ttlMs);
    user.lastSeenAt = t;
  }

  async activity(
    tenantId: TenantId,
    userId: UserId,
    now: Date,
  ): Promise<PresenceTransition | null> {
    const user = this.backend.presence.get(keyOf(tenantId, userId));
    if (!user) return null;
    const t = now.getTime();
    user.lastActivityAt = t;
    if (!isLive(user, t)) return null;
    user.lastSeenAt = t;
    return user.announced === 'AWAY' ? this.announce(user, 'ONLINE', now) : null;
  }

  async disconnect(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    now: Date,
  ): Promise<PresenceTransition | null> {
    const user = this.backend.presence.get(keyOf(tenantId, userId));
    if (!user) return null;
    const t = now.getTime();
    const existed = user.connections.delete(connectionId);
    if (existed) user.lastSeenAt = t;
    if (pruneExpired(user, t)) return null;
    return this.announce(
      user,
      'OFFLINE',
      user.lastSeenAt === null ? null : new Date(user.lastSeenAt),
    );
  }

  async get(
    tenantId: TenantId,
    userIds: readonly UserId[],
    now: Date,
    awayAfterMs: number,
  ): Promise<PresenceState[]> {
    const t = now.getTime();
    return userIds.map((userId) => {
      const user = this.backend.presence.get(keyOf(tenantId, userId));
      if (!user) return { userId, status: 'OFFLINE', lastSeenAt: null };
      const status = statusOf(user, t, awayAfterMs);
      const lastSeenAt = status === 'OFFLINE' ? user.lastSeenAt : t;
      return { userId, status, lastSeenAt: lastSeenAt === null ? null : new Date(lastSeenAt) };
    });
  }

  async sweep(now: Date, awayAfterMs: number): Promise<PresenceTransition[]> {
    const t = now.getTime();
    const transitions: PresenceTransition[] = [];
    for (const user of this.backend.presence.values()) {
      pruneExpired(user, t);
      const status = statusOf(user, t, awayAfterMs);
      const lastSeenAt =
        status === 'OFFLINE' ? (user.lastSeenAt === null ? null : new Date(user.lastSeenAt)) : now;
      const transition = this.announce(user, status, lastSeenAt);
      if (transition) transitions.push(transition);
    }
    return transitions;
  }

  async isReady(): Promise<boolean> {
    return true;
  }

  private userOrCreate(tenantId: string, userId: string, now: number): InMemoryUserPresence {
    const key = keyOf(tenantId, userId);
    let user = this.backend.presence.get(key);
    if (!user) {
      user = {
        tenantId,
        userId,
        connections: new Map(),
        lastActivityAt: now,
        lastSeenAt: null,
        announced: 'OFFLINE',
      };
      this.backend.presence.set(key, user);
    }
    return user;
  }

  private announce(
    user: InMemoryUserPresence,
    status: PresenceStatus,
    lastSeenAt: Date | null,
  ): PresenceTransition | null {
    if (user.announced === status) return null;
    user.announced = status;
    return { tenantId: user.tenantId, userId: user.userId, status, lastSeenAt };
  }
}
