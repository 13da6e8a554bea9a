import { describe, expect, it } from 'vitest';
import { SeqTracker } from './seq-tracker';

describe('SeqTracker', () => {
  it('applies the next seq, drops repeats and reports holes', () => {
    const t = new SeqTracker();
    t.seed('c1', 5);
    expect(t.observe('c1', 6)).toEqual({ kind: 'apply' });
    expect(t.observe('c1', 6)).toEqual({ kind: 'duplicate' });
    expect(t.observe('c1', 3)).toEqual({ kind: 'duplicate' });
    expect(t.observe('c1', 9)).toEqual({ kind: 'gap', afterSeq: 6, beforeSeq: 9 });
    expect(t.get('c1')).toBe(9);
    // The late event from inside the hole is not applied twice (the gap fill covers it).
    expect(t.observe('c1', 7)).toEqual({ kind: 'duplicate' });
  });

  it('accepts the first event of a conversation it never saw', () => {
    const t = new SeqTracker();
    expect(t.observe('new', 42)).toEqual({ kind: 'apply' });
    expect(t.get('new')).toBe(42);
  });

  it('seeds only once: a later fetch cannot skip events still in flight', () => {
    const t = new SeqTracker();
    t.seed('c1', 5);
    t.seed('c1', 8);
    expect(t.get('c1')).toBe(5);
    expect(t.observe('c1', 6).kind).toBe('apply');
    t.reset('c1', 20);
    expect(t.get('c1')).toBe(20);
  });

  it('gives one since-cursor per tracked conversation', () => {
    const t = new SeqTracker();
    t.seed('a', 1);
    t.seed('b', 10);
    t.observe('a', 2);
    t.observe('c', 7);
    t.forget('b');
    expect(t.cursors()).toEqual([
      { conversationId: 'a', afterSeq: 2 },
      { conversationId: 'c', afterSeq: 7 },
    ]);
  });
});
