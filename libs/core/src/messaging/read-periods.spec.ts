import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canReadSeq,
  closePeriod,
  insideAt,
  MAX_READ_PERIODS,
  normalizePeriods,
  readablePeriods,
} from './read-periods';

describe('read periods', () => {
  it('keeps what a removed member saw, and never the gap when they are added again (SINCE_JOINED)', () => {
    // Bob is a member from the start, removed at seq 5, added again at 9 (SINCE_JOINED).
    const former = { periods: closePeriod([], { historyFromSeq: 0 }, 5) };
    const whileOut = readablePeriods(null, former);
    expect([1, 4, 5].every((s) => canReadSeq(whileOut, s))).toBe(true);
    expect(canReadSeq(whileOut, 6)).toBe(false);
    const back = readablePeriods({ historyFromSeq: 9 }, former);
    expect(back).toEqual([
      { fromSeq: 0, toSeq: 5 },
      { fromSeq: 9, toSeq: null },
    ]);
    expect([6, 7, 8].some((s) => canReadSeq(back, s))).toBe(false);
    expect([9, 10, 1_000].every((s) => canReadSeq(back, s))).toBe(true);
  });

  it('lets a FULL re-add see everything again', () => {
    const former = { periods: closePeriod([], { historyFromSeq: 3 }, 5) };
    expect(readablePeriods({ historyFromSeq: 0 }, former)).toEqual([{ fromSeq: 0, toSeq: null }]);
  });

  it('tells whether a client position is inside a membership', () => {
    const periods = [
      { fromSeq: 0, toSeq: 5 },
      { fromSeq: 9, toSeq: null },
    ];
    expect(insideAt(periods, 4)).toBe(true);
    expect(insideAt(periods, 5)).toBe(false); // applied its own REMOVED
    expect(insideAt(periods, 7)).toBe(false);
    expect(insideAt(periods, 9)).toBe(true); // applied its own ADDED
  });

  it('normalizes any periods into sorted disjoint ones covering the same seqs', () => {
    const period = fc
      .tuple(fc.nat(60), fc.option(fc.nat(20), { nil: null }))
      .map(([fromSeq, len]) => ({ fromSeq, toSeq: len === null ? null : fromSeq + len }));
    fc.assert(
      fc.property(fc.array(period, { maxLength: 8 }), (periods) => {
        const normal = normalizePeriods(periods);
        for (let seq = 0; seq < 100; seq++)
          expect(canReadSeq(normal, seq)).toBe(canReadSeq(periods, seq));
        for (let i = 1; i < normal.length; i++) {
          const prev = normal[i - 1]!;
          expect(prev.toSeq).not.toBeNull();
          expect(normal[i]!.fromSeq).toBeGreaterThan(prev.toSeq! + 1);
        }
      }),
    );
  });

  it('caps the kept periods by forgetting the oldest, never by opening a gap', () => {
    let periods: ReturnType<typeof closePeriod> = [];
    for (let i = 0; i < MAX_READ_PERIODS + 5; i++)
      periods = closePeriod(periods, { historyFromSeq: i * 10 }, i * 10 + 3);
    expect(periods).toHaveLength(MAX_READ_PERIODS);
    expect(canReadSeq(periods, 5)).toBe(false); // a gap stays a gap
    expect(canReadSeq(periods, 0)).toBe(false); // the oldest period is forgotten
    expect(canReadSeq(periods, (MAX_READ_PERIODS + 4) * 10 + 3)).toBe(true);
  });
});
