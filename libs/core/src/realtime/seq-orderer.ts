import { Clock } from '../shared/clock';

/** How long events wait behind a seq hole for the missing write before it counts as abandoned. */
export const HOLE_WAIT_MS = 1_500;

/** Where an orderer sends its results. */
export interface SeqOrdererOutput<E> {
  /** The next seq of the conversation, in order; `event` null: a seq with nothing to show. */
  release(conversationId: string, seq: number, event: E | null): void;
  /**
   * A hole has waited `HOLE_WAIT_MS`: look in the store for the seqs after `afterSeq` up to
   * `upToSeq`, hand what is found to `accept`, then call `settleHole` (which skips the hole when
   * it is still there and old enough).
   */
  holeTimedOut(conversationId: string, afterSeq: number, upToSeq: number): void;
}

interface Hold<E> {
  events: Map<number, E | null>;
  /** When the hole last made progress (or appeared). */
  since: number;
  cancelTimer: (() => void) | null;
}

/**
 * Per-conversation ordering of seq-numbered events: each conversation's events leave in seq
 * order, without gaps and without duplicates, whatever order, repetition or delay they arrive
 * in. An event behind a hole waits; the hole is usually a write still committing on another
 * instance (seqs are reserved before the write commits). When it lasts `HOLE_WAIT_MS` the owner
 * is asked to look in the store; a hole the store cannot fill either belongs to a writer that
 * died, and is skipped. Time comes only from the injected clock.
 */
export class SeqOrderer<E> {
  /** Highest seq released per conversation. */
  private readonly position = new Map<string, number>();
  private held: Map<string, Hold<E>> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly output: SeqOrdererOutput<E>,
    private readonly holeWaitMs = HOLE_WAIT_MS,
  ) {}

  /** The highest seq released for the conversation (undefined: not followed). */
  positionOf(conversationId: string): number | undefined {
    return this.position.get(conversationId);
  }

  /** Conversations this orderer tracks, with their positions. */
  positions(): [string, number][] {
    return [...this.position.entries()];
  }

  /** Starts tracking the conversation at `seq` (everything up to it counts as released). No-op when tracked. */
  begin(conversationId: string, seq: number): void {
    if (!this.position.has(conversationId)) this.position.set(conversationId, seq);
  }

  /**
   * Moves the position forward to `seq` without releasing what lies between (after a
   * ResyncRequired, or when what lies between is not the client's to see). Held events above
   * `seq` stay and leave once contiguous.
   */
  skipTo(conversationId: string, seq: number): void {
    const current = this.position.get(conversationId);
    if (current !== undefined && current >= seq) return;
    this.position.set(conversationId, seq);
    const hold = this.held?.get(conversationId);
    if (hold) for (const held of [...hold.events.keys()]) if (held <= seq) hold.events.delete(held);
    this.flush(conversationId);
  }

  /** Whether events of the conversation wait behind a hole. */
  isHolding(conversationId: string): boolean {
    return (this.held?.get(conversationId)?.events.size ?? 0) > 0;
  }

  /** Number of events waiting behind holes, over all conversations. */
  get heldCount(): number {
    let n = 0;
    for (const hold of this.held?.values() ?? []) n += hold.events.size;
    return n;
  }

  /**
   * Takes the event with this seq (null: a seq with nothing to show) and releases everything
   * now contiguous. A seq at or below the position is a duplicate and is dropped. The first
   * event of an untracked conversation starts it.
   */
  accept(conversationId: string, seq: number, event: E | null): void {
    const position = this.position.get(conversationId);
    if (position === undefined) this.position.set(conversationId, seq - 1);
    else if (seq <= position) return;
    let hold = this.held?.get(conversationId);
    if (!hold && seq === (position ?? seq - 1) + 1) {
      // The usual case: the next seq with nothing waiting, released at once.
      this.releaseNext(conversationId, seq, event);
      return;
    }
    if (!hold) {
      hold = { events: new Map(), since: this.clock.now().getTime(), cancelTimer: null };
      (this.held ??= new Map()).set(conversationId, hold);
    }
    if (!hold.events.has(seq)) hold.events.set(seq, event);
    this.flush(conversationId);
  }

  /**
   * After the owner looked in the store for a timed-out hole: when the hole is still there and
   * has made no progress for `HOLE_WAIT_MS`, nobody will fill it, and delivery continues after it.
   */
  settleHole(conversationId: string): void {
    const hold = this.held?.get(conversationId);
    if (!hold || hold.events.size === 0) return;
    const now = this.clock.now().getTime();
    if (now - hold.since >= this.holeWaitMs) {
      this.position.set(conversationId, Math.min(...hold.events.keys()) - 1);
      hold.since = now;
    }
    this.flush(conversationId);
  }

  /** Stops tracking the conversation and drops what waits for it. */
  forget(conversationId: string): void {
    this.position.delete(conversationId);
    const hold = this.held?.get(conversationId);
    hold?.cancelTimer?.();
    this.held?.delete(conversationId);
  }

  /** Cancels every timer (the stream ended). */
  close(): void {
    for (const hold of this.held?.values() ?? []) hold.cancelTimer?.();
    this.held = null;
  }

  private releaseNext(conversationId: string, seq: number, event: E | null): void {
    this.position.set(conversationId, seq);
    this.output.release(conversationId, seq, event);
  }

  private flush(conversationId: string): void {
    const hold = this.held?.get(conversationId);
    if (!hold) return;
    let next = (this.position.get(conversationId) ?? 0) + 1;
    while (hold.events.has(next)) {
      const event = hold.events.get(next) ?? null;
      hold.events.delete(next);
      hold.since = this.clock.now().getTime();
      this.releaseNext(conversationId, next, event);
      // release() may have re-entered (skipTo, forget): continue from the current position.
      if (this.held?.get(conversationId) !== hold) return;
      next = (this.position.get(conversationId) ?? next) + 1;
    }
    if (hold.events.size === 0) {
      hold.cancelTimer?.();
      this.held?.delete(conversationId);
      return;
    }
    if (!hold.cancelTimer) {
      hold.cancelTimer = this.clock.setTimer(this.holeWaitMs, () => {
        hold.cancelTimer = null;
        if (this.held?.get(conversationId) !== hold || hold.events.size === 0) return;
        this.output.holeTimedOut(
          conversationId,
          this.position.get(conversationId) ?? 0,
          Math.max(...hold.events.keys()),
        );
      });
    }
  }
}
