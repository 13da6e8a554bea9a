// Tracks, per conversation, the last ordered-event seq this client has applied. It decides
// whether an event is new, a repeat (replay overlap, own echo) or comes after a hole, and
// gives the `since` cursors to resume the stream from.

export type SeqVerdict =
  { kind: 'apply' } | { kind: 'duplicate' } | { kind: 'gap'; afterSeq: number; beforeSeq: number };

export interface ConversationCursor {
  conversationId: string;
  afterSeq: number;
}

export class SeqTracker {
  private readonly last = new Map<string, number>();

  /** Seeds from a fetched conversation's lastSeq, only when nothing is tracked yet: a later
   *  fetch must not jump over live events that are still on their way. */
  seed(conversationId: string, lastSeq: number): void {
    if (!this.last.has(conversationId)) this.last.set(conversationId, lastSeq);
  }

  /** Forces the cursor (after a full resync of the conversation). */
  reset(conversationId: string, lastSeq: number): void {
    this.last.set(conversationId, lastSeq);
  }

  forget(conversationId: string): void {
    this.last.delete(conversationId);
  }

  get(conversationId: string): number | undefined {
    return this.last.get(conversationId);
  }

  /** Judges an ordered event and, unless it is a repeat, advances the cursor past it. */
  observe(conversationId: string, seq: number): SeqVerdict {
    const last = this.last.get(conversationId);
    if (last !== undefined && seq <= last) return { kind: 'duplicate' };
    this.last.set(conversationId, seq);
    if (last !== undefined && seq > last + 1)
      return { kind: 'gap', afterSeq: last, beforeSeq: seq };
    return { kind: 'apply' };
  }

  cursors(): ConversationCursor[] {
    return [...this.last].map(([conversationId, afterSeq]) => ({ conversationId, afterSeq }));
  }
}
