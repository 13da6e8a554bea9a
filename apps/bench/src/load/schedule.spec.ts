import { describe, expect, it } from 'vitest';
import { eventAt, eventsPerRoom, ScheduleCursor, type SchedulePlan } from './schedule';

const plan = (over: Partial<SchedulePlan> = {}): SchedulePlan => ({
  t0Us: 1_000_000,
  rate: 100,
  total: 10,
  roomCount: 2,
  senders: [
    [10, 11],
    [20, 21, 22],
  ],
  seqBase: 0,
  ...over,
});

describe('open-loop schedule', () => {
  it('spaces events at 1/rate from t0 whatever happens', () => {
    const p = plan();
    expect(eventAt(p, 0).dueUs).toBe(1_000_000);
    expect(eventAt(p, 1).dueUs).toBe(1_010_000);
    expect(eventAt(p, 9).dueUs).toBe(1_090_000);
  });

  it('goes round-robin over rooms and rotates the senders of each room', () => {
    const p = plan();
    const evs = Array.from({ length: 6 }, (_, i) => eventAt(p, i));
    expect(evs.map((e) => e.room)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(evs.map((e) => e.senderConn)).toEqual([10, 20, 11, 21, 10, 22]);
    expect(evs.map((e) => e.publisherSeq)).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('continues publisher sequences after seqBase so phases never reuse a seq', () => {
    const first = plan();
    const second = plan({ seqBase: eventsPerRoom(first.total, first.roomCount) });
    const lastOfFirst = Math.max(
      ...Array.from({ length: first.total }, (_, i) => eventAt(first, i).publisherSeq),
    );
    expect(eventAt(second, 0).publisherSeq).toBe(lastOfFirst + 1);
  });

  it('hands each worker only its own senders and all of them over the run', () => {
    const p = plan();
    const mine = new ScheduleCursor(p, (c) => c % 2 === 0);
    const theirs = new ScheduleCursor(p, (c) => c % 2 === 1);
    const a = mine.takeDue(Number.MAX_SAFE_INTEGER);
    const b = theirs.takeDue(Number.MAX_SAFE_INTEGER);
    expect(a.every((e) => e.senderConn % 2 === 0)).toBe(true);
    expect([...a, ...b].map((e) => e.index).sort((x, y) => x - y)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(mine.done && theirs.done).toBe(true);
  });

  it('releases only the events that are due', () => {
    const c = new ScheduleCursor(plan(), () => true);
    expect(c.takeDue(999_999)).toHaveLength(0);
    expect(c.takeDue(1_025_000).map((e) => e.index)).toEqual([0, 1, 2]);
    expect(c.nextDueUs).toBe(1_030_000);
  });

  it('rejects a room without senders', () => {
    expect(() => eventAt(plan({ senders: [[1], []] }), 1)).toThrow(/no senders/);
  });
});
