import type { Cursors } from './cursor-storage';

export type SeqVerdict =
  { kind: 'apply' } | { kind: 'duplicate' } | { kind: 'gap'; afterSeq: number; beforeSeq: number };

/**
 * Per conversation, the last logged seq handled: decides whether an event is new, a repeat
 * (replay overlap) or follows a hole, and gives the `since` cursors to resume from.
 */
export class SeqTracker {
  private readonly last = new Map<string, number>();

  constructor(initial: Cursors = {}) {
    for (const [id, seq] of Object.entries(initial)) this.last.set(id, seq);
  }

  /** Sets a cursor only when none is held (a fetched lastSeq must not skip queued events). */
  seed(conversationId: string, lastSeq: number): void {
    if (!this.last.has(conversationId)) this.last.set(conversationId, lastSeq);
  }

  seedAll(cursors: Iterable<[string, number]>): void {
    for (const [id, seq] of cursors) this.seed(id, seq);
  }

  reset(conversationId: string, lastSeq: number): void {
    this.last.set(conversationId, lastSeq);
  }

  forget(conversationId: string): void {
    this.last.delete(conversationId);
  }

  get(conversationId: string): number | undefined {
    return this.last.get(conversationId);
  }

  /** Judges a logged event without moving the cursor (commit() does, once it was handled). */
  judge(conversationId: string, seq: number): SeqVerdict {
    const last = this.last.get(conversationId);
    if (last !== undefined && seq <= last) return { kind: 'duplicate' };
    if (last !== undefined && seq > last + 1)
      return { kind: 'gap', afterSeq: last, beforeSeq: seq };
    return { kind: 'apply' };
  }

  /** Moves the cursor forward to seq (never back). */
  commit(conversationId: string, seq: number): void {
    const last = this.last.get(conversationId);
    if (last === undefined || seq > last) this.last.set(conversationId, seq);
  }

  cursors(): { conversationId: string; afterSeq: number }[] {
    return [...this.last].map(([conversationId, afterSeq]) => ({ conversationId, afterSeq }));
  }

  toJSON(): Cursors {
    return Object.fromEntries(this.last);
  }
}
