import { PresenceStatus } from '../events/presence.port';

/** @internal One live subscription of an in-memory bus. */
export interface InMemorySubscription {
  active: boolean;
  deliver(payload: string): void;
}

/** @internal A user's connections and presence as last announced. */
export interface InMemoryUserPresence {
  tenantId: string;
  userId: string;
  /** connectionId → expiry (epoch ms). */
  connections: Map<string, number>;
  lastActivityAt: number;
  lastSeenAt: number | null;
  /** The status last returned as a transition: the one subscribers believe. */
  announced: PresenceStatus;
}

/**
 * The state behind the in-memory adapters, standing in for the NATS/Redis server of a cluster.
 * Adapters built on the same backend behave like instances sharing one server; embedded mode uses
 * one backend per process (the default when none is given).
 */
export class InMemoryBackend {
  /** @internal */ readonly topics = new Map<string, Set<InMemorySubscription>>();
  /** @internal */ readonly presence = new Map<string, InMemoryUserPresence>();
  /** @internal */ readonly counters = new Map<string, { count: number; resetAt: number }>();
  /** @internal */ readonly loginCodes = new Map<
    string,
    { hash: string; attempts: number; expiresAt: number }
  >();
}

/**
 * Topics are dot-separated tokens of letters, digits, `_` and `-`: no wildcards (`*`, `>`), no
 * spaces, no empty tokens, so a topic name can never match another tenant's or conversation's.
 */
export const isValidTopic = (topic: string): boolean =>
  topic.length <= 512 && /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(topic);
