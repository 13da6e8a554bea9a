import { OrderedRealtimeEvent } from './realtime-event';

/** How long a replayed event is reused by other streams replaying the same log entry. */
export const REPLAY_SHARE_MS = 10_000;
const MAX_ENTRIES = 100_000;

/**
 * Log entries replayed recently, shared by every stream of this instance. When the members of
 * a conversation resume together (a reconnect storm), each entry is read once and becomes one
 * event object, so the gateway maps, executes and serializes it once for all of them instead
 * of once per member. A message changed meanwhile is not served stale for long: every change
 * is a later entry of the same log, which the stream delivers next.
 */
export class ReplayedEvents {
  private readonly entries = new Map<string, { event: OrderedRealtimeEvent | null; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(tenantId: string, conversationId: string, seq: number): OrderedRealtimeEvent | null | undefined {
    const key = keyOf(tenantId, conversationId, seq);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until > this.now()) return hit.event;
    this.entries.delete(key);
    return undefined;
  }

  set(tenantId: string, conversationId: string, seq: number, event: OrderedRealtimeEvent | null): void {
    if (this.entries.size >= MAX_ENTRIES) this.prune();
    this.entries.set(keyOf(tenantId, conversationId, seq), { event, until: this.now() + REPLAY_SHARE_MS });
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key);
    // Still full of live entries: start over rather than grow.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}

const keyOf = (tenantId: string, conversationId: string, seq: number): string => `${tenantId} ${conversationId} ${seq}`;
