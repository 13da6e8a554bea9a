import { TenantId, UserId } from '../shared/ids';

export type PresenceStatus = 'ONLINE' | 'AWAY' | 'OFFLINE';

export interface PresenceState {
  userId: UserId;
  status: PresenceStatus;
  /** When the user was last connected; null when never seen (or unknown to this store). */
  lastSeenAt: Date | null;
}

export interface PresenceTransition {
  tenantId: TenantId;
  userId: UserId;
  status: PresenceStatus;
  lastSeenAt: Date | null;
}

/**
 * Live connections per user with TTL heartbeats, shared by all instances (memory embedded,
 * Redis clustered). A user is ONLINE while at least one connection is alive and active within
 * `awayAfterMs`, AWAY while connected but idle, OFFLINE otherwise. Methods that can change the
 * status return the transition (or null), so the caller can publish it exactly once.
 */
export abstract class PresenceStore {
  /** Registers a live connection that expires `ttlMs` after its last heartbeat. */
  abstract connect(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    ttlMs: number,
    now: Date,
  ): Promise<PresenceTransition | null>;
  /** Extends the connection's life. */
  abstract heartbeat(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    ttlMs: number,
    now: Date,
  ): Promise<void>;
  /** Records user activity (an AWAY user becomes ONLINE). */
  abstract activity(
    tenantId: TenantId,
    userId: UserId,
    now: Date,
  ): Promise<PresenceTransition | null>;
  /** Ends a connection; returns OFFLINE (with lastSeenAt = now) when it was the user's last. */
  abstract disconnect(
    tenantId: TenantId,
    userId: UserId,
    connectionId: string,
    now: Date,
  ): Promise<PresenceTransition | null>;
  abstract get(
    tenantId: TenantId,
    userIds: readonly UserId[],
    now: Date,
    awayAfterMs: number,
  ): Promise<PresenceState[]>;
  /**
   * Expires connections whose TTL passed (crashed instances) and detects idle users. Each
   * resulting transition is returned to exactly one caller across all instances.
   */
  abstract sweep(now: Date, awayAfterMs: number): Promise<PresenceTransition[]>;
  abstract isReady(): Promise<boolean>;
}
