import { OrderedRealtimeEvent } from '../events/realtime-event';

/** How long a replayed event is reused by other streams replaying the same log entry. */
export const REPLAY_SHARE_MS = 10_000;
/** Bound on entries; live ones beyond it are dropped oldest first. */
export const MAX_REPLAYED_ENTRIES = 100_000;

/**
 * Log entries replayed recently, shared by every stream of this instance. When the members of
 * a conversation resume together (a reconnect storm), each entry is read once and becomes one
 * event object, so the gateway maps, executes and serializes it once for all of them instead
 * of once per member. A message changed meanwhile is not served stale for long: every change
 * is a later entry of the same log, which the stream delivers next.
 */
export class ReplayedEvents {
  /**
   * In insertion order, which is also expiry order (one fixed lifetime, and a replaced entry is
   * moved to the end): expired entries are always at the front, so each `set` drops them in
   * amortised constant time and the map holds only the last REPLAY_SHARE_MS of replays, not
   * MAX_REPLAYED_ENTRIES worth of stale events and everything they keep alive.
   */
  private readonly entries = new Map<
    string,
    { event: OrderedRealtimeEvent | null; until: number }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  get(
    tenantId: string,
    conversationId: string,
    seq: number,
  ): OrderedRealtimeEvent | null | undefined {
    const key = keyOf(tenantId, conversationId, seq);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until > this.now()) return hit.event;
    this.entries.delete(key);
    return undefined;
  }

  set(
    tenantId: string,
    conversationId: string,
    seq: number,
    event: OrderedRealtimeEvent | null,
  ): void {
    const now = this.now();
    this.dropExpired(now);
    // Still full of live entries (a storm bigger than the bound): the oldest go first.
    while (this.entries.size >= MAX_REPLAYED_ENTRIES)
      this.entries.delete(this.entries.keys().next().value as string);
    const key = keyOf(tenantId, conversationId, seq);
    this.entries.delete(key);
    this.entries.set(key, { event, until: now + REPLAY_SHARE_MS });
  }

  get size(): number {
    return this.entries.size;
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.until > now) return;
      this.entries.delete(key);
    }
  }
}

const keyOf = (tenantId: string, conversationId: string, seq: number): string =>
  `${tenantId} ${conversationId} ${seq}`;
