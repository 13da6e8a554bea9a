import { describe, expect, it } from 'vitest';
import { ReceiverTracker, SeqSet } from './seq-tracker';

describe('SeqSet', () => {
  it('counts each sequence once and reports repeats as duplicates', () => {
    const s = new SeqSet();
    expect(s.add(3)).toBe(true);
    expect(s.add(1)).toBe(true);
    expect(s.add(3)).toBe(false);
    expect(s.has(1)).toBe(true);
    expect(s.has(2)).toBe(false);
    expect(s.max).toBe(3);
  });

  it('grows for large sequences without losing earlier bits', () => {
    const s = new SeqSet();
    s.add(5);
    s.add(100_000);
    expect(s.has(5)).toBe(true);
    expect(s.add(100_000)).toBe(false);
  });

  it('rejects negative or fractional sequences', () => {
    expect(() => new SeqSet().add(-1)).toThrow(RangeError);
    expect(() => new SeqSet().add(1.5)).toThrow(RangeError);
  });
});

describe('ReceiverTracker', () => {
  it('keys duplicates by room: the same seq in two rooms is two deliveries', () => {
    const t = new ReceiverTracker();
    expect(t.add('a', 1)).toBe(true);
    expect(t.add('b', 1)).toBe(true);
    expect(t.add('a', 1)).toBe(false);
    expect(t.maxSeq('a')).toBe(1);
    expect(t.maxSeq('c')).toBe(-1);
  });
});
