import { Clock } from '../shared/clock';

/** How long events wait behind a seq hole for the missing write before it counts as abandoned. */
export const HOLE_WAIT_MS = 1_500;

/** Where an orderer sends its results. */
export interface SeqOrdererOutput<E> {
  /** The next seq of the conversation, in order; `event` null: a seq with nothing to show. */
  release(conversationId: string, seq: number, event: E | null): void;
  /**
   * A hole has waited `HOLE_WAIT_MS`: look in the store for the seqs after `afterSeq` up to
   * `upToSeq` and hand what is found to `accept`; when the hole is still there and `expiredHole`
   * names it, have the store settle its seqs (each either committed or void for good) and
   * `accept` them (null for a void seq); in any case call `settleHole` afterwards.
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
 * is asked to look in the store, and to settle the missing seqs there: the store returns those
 * committed meanwhile and voids the others, so a stalled writer cannot commit under a seq this
 * orderer passed (it takes a later one, which arrives as a new event). The orderer itself never
 * skips a seq: a hole nobody settles (the store is unreachable) keeps waiting and asks again
 * every `HOLE_WAIT_MS`. Time comes only from the injected clock.
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
   * The hole of the conversation when it has made no progress for `HOLE_WAIT_MS`: the seqs
   * after `afterSeq` up to `upToSeq` that are not in `held` are missing. Null when there is no
   * hole, or it is younger.
   */
  expiredHole(
    conversationId: string,
  ): { afterSeq: number; upToSeq: number; held: ReadonlySet<number> } | null {
    const hold = this.held?.get(conversationId);
    if (!hold || hold.events.size === 0) return null;
    if (this.clock.now().getTime() - hold.since < this.holeWaitMs) return null;
    return {
      afterSeq: this.position.get(conversationId) ?? 0,
      upToSeq: Math.max(...hold.events.keys()),
      held: new Set(hold.events.keys()),
    };
  }

  /**
   * After the owner handled a timed-out hole: releases what became contiguous and, while events
   * still wait, arms the next timeout.
   */
  settleHole(conversationId: string): void {
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
