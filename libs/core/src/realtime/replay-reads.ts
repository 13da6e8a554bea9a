import { LoggedEvent } from '../messaging/message';
import { OrderedRealtimeEvent } from '../events/realtime-event';

/** How long a replay read may be reused by other streams resuming from the same cursor. */
export const REPLAY_READ_SHARE_MS = 2_000;
/** Bound on shared reads; beyond it the oldest go first. */
export const MAX_REPLAY_READS = 5_000;

/** A conversation's log after a cursor, read once, with its entries turned into events. */
export interface ReplayRead {
  /** The entries read (up to the read's limit, which is one more than the replay limit). */
  entries: LoggedEvent[];
  /** The event of each entry (null: an entry with nothing to show); null when over the limit. */
  events: Array<OrderedRealtimeEvent | null> | null;
}

/**
 * Replay reads shared by the streams of this instance. When the members of a conversation
 * resume from the same cursor at about the same time (a reconnect storm: they all received the
 * same messages before the drop), the log is read and its entries turned into events once for
 * all of them, instead of once per member.
 *
 * A read may be older than the stream that reuses it, so a stream takes one only when it is
 * provably complete for it: every seq from its cursor up to the conversation's last seq as the
 * stream read it after registering its bus interest (later entries reach it over the bus), or
 * more entries than the replay limit (which ends in TOO_FAR_BEHIND anyway). Anything else reads
 * the store again (see `covers`).
 */
export class ReplayReads {
  /** In insertion order, which is also expiry order (one fixed lifetime; a replaced read moves to the end). */
  private readonly reads = new Map<string, { read: Promise<ReplayRead>; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The read of `conversationId` after `afterSeq` (at most `limit` entries): a shared one that
   * covers `lastSeq`, or a new one from `load`, shared from then on.
   */
  async read(
    tenantId: string,
    conversationId: string,
    afterSeq: number,
    limit: number,
    lastSeq: number,
    load: () => Promise<ReplayRead>,
  ): Promise<ReplayRead> {
    const key = `${tenantId} ${conversationId} ${afterSeq} ${limit}`;
    const now = this.now();
    const hit = this.reads.get(key);
    if (hit && hit.until > now) {
      try {
        const shared = await hit.read;
        if (covers(shared.entries, afterSeq, limit, lastSeq)) return shared;
      } catch {
        // The shared read failed: this stream reads for itself.
      }
    }
    const read = load();
    this.remember(key, read, now);
    return read;
  }

  get size(): number {
    return this.reads.size;
  }

  private remember(key: string, read: Promise<ReplayRead>, now: number): void {
    for (const [k, entry] of this.reads) {
      if (entry.until > now) break;
      this.reads.delete(k);
    }
    while (this.reads.size >= MAX_REPLAY_READS)
      this.reads.delete(this.reads.keys().next().value as string);
    this.reads.delete(key);
    const entry = { read, until: now + REPLAY_READ_SHARE_MS };
    this.reads.set(key, entry);
    // A failed read is never handed to another stream.
    read.catch(() => {
      if (this.reads.get(key) === entry) this.reads.delete(key);
    });
  }
}

/**
 * Whether entries read after `afterSeq` hold everything a stream that saw the conversation at
 * `lastSeq` must replay: more than `limit - 1` entries (over the replay limit), or exactly the
 * seqs `afterSeq + 1 … lastSeq`, none missing.
 */
export function covers(
  entries: readonly LoggedEvent[],
  afterSeq: number,
  limit: number,
  lastSeq: number,
): boolean {
  if (entries.length >= limit) return true;
  if (entries.length < lastSeq - afterSeq) return false;
  for (let i = 0; i < lastSeq - afterSeq; i++)
    if (entries[i]!.seq !== afterSeq + 1 + i) return false;
  return true;
}
