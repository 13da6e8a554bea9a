import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  encodeHistogram,
  mergeEncoded,
  summarize,
  summarizeEncoded,
} from './histogram';

describe('histogram merging across workers', () => {
  it('merges encoded histograms into the same percentiles as one histogram of all values', () => {
    const a = createHistogram();
    const b = createHistogram();
    const all = createHistogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 ? a : b).recordValue(i * 100);
      all.recordValue(i * 100);
    }
    const merged = mergeEncoded([encodeHistogram(a), encodeHistogram(b)]);
    expect(merged.totalCount).toBe(1000);
    const { max: mergedMax, ...m } = summarize(merged);
    const { max: allMax, ...x } = summarize(all);
    expect(m).toEqual(x);
    // Decoding keeps the max only to the histogram's 3 significant digits.
    expect(Math.abs(mergedMax - allMax) / allMax).toBeLessThan(0.001);
  });

  it('reports milliseconds from microsecond recordings', () => {
    const h = createHistogram();
    for (let i = 0; i < 99; i++) h.recordValue(1000);
    h.recordValue(250_000);
    const s = summarize(h);
    expect(s.p50).toBeCloseTo(1, 2);
    expect(s.p99).toBeCloseTo(1, 2);
    expect(s.max).toBeCloseTo(250, 0);
    expect(s.count).toBe(100);
  });

  it('keeps the tail when one worker saw all the slow deliveries', () => {
    const fast = createHistogram();
    const slow = createHistogram();
    for (let i = 0; i < 980; i++) fast.recordValue(2000);
    for (let i = 0; i < 20; i++) slow.recordValue(80_000);
    const s = summarizeEncoded([encodeHistogram(fast), encodeHistogram(slow)]);
    expect(s.p50).toBeCloseTo(2, 1);
    expect(s.p99).toBeGreaterThan(79);
  });

  it('summarizes an empty set as zeros and skips empty encodings', () => {
    expect(summarizeEncoded([]).count).toBe(0);
    expect(summarizeEncoded(['']).p99).toBe(0);
  });
});
