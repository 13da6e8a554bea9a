import type { Actor } from '@chatter/core';

export interface UserAdmissionLimits {
  /** Most sockets one user may hold open on this instance (0 = no cap). */
  maxSocketsPerUser: number;
  /** Most subscriptions one user may run at once on this instance, over all their sockets (0 = no cap). */
  maxSubscriptionsPerUser: number;
}

/** Close code for a socket refused because its user holds too many (graphql-ws's "too many" code). */
export const CLOSE_TOO_MANY_SOCKETS = 4429;

const keyOf = (actor: Pick<Actor, 'tenantId' | 'userId'>) =>
  `${actor.tenantId}\u0000${actor.userId}`;

/**
 * Per-user caps on open sockets and running subscriptions, counted on this instance: one account
 * (or a stolen token) cannot pin unbounded server memory, whichever addresses it connects from.
 */
export class UserAdmission {
  private readonly sockets = new Map<string, number>();
  private readonly socketOwners = new Map<string, string>();
  private readonly subscriptions = new Map<string, number>();

  constructor(private readonly limits: UserAdmissionLimits) {}

  /** Counts an authenticated socket; false (nothing counted) when its user is at the cap. */
  admitSocket(socketId: string, actor: Pick<Actor, 'tenantId' | 'userId'>): boolean {
    if (this.socketOwners.has(socketId)) return true;
    const key = keyOf(actor);
    const open = this.sockets.get(key) ?? 0;
    if (this.limits.maxSocketsPerUser > 0 && open >= this.limits.maxSocketsPerUser) return false;
    this.sockets.set(key, open + 1);
    this.socketOwners.set(socketId, key);
    return true;
  }

  /** Releases a socket counted by admitSocket (no-op for one that never was). */
  releaseSocket(socketId: string): void {
    const key = this.socketOwners.get(socketId);
    if (key === undefined) return;
    this.socketOwners.delete(socketId);
    decrement(this.sockets, key);
  }

  /** Counts a subscription; false (nothing counted) when its user is at the cap. */
  startSubscription(actor: Pick<Actor, 'tenantId' | 'userId'>): boolean {
    const key = keyOf(actor);
    const running = this.subscriptions.get(key) ?? 0;
    if (this.limits.maxSubscriptionsPerUser > 0 && running >= this.limits.maxSubscriptionsPerUser)
      return false;
    this.subscriptions.set(key, running + 1);
    return true;
  }

  endSubscription(actor: Pick<Actor, 'tenantId' | 'userId'>): void {
    decrement(this.subscriptions, keyOf(actor));
  }

  get maxSubscriptionsPerUser(): number {
    return this.limits.maxSubscriptionsPerUser;
  }

  /** Sockets counted for a user (tests, metrics). */
  socketsOf(actor: Pick<Actor, 'tenantId' | 'userId'>): number {
    return this.sockets.get(keyOf(actor)) ?? 0;
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
