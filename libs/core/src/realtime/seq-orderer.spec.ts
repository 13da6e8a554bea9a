import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock';
import { HOLE_WAIT_MS, SeqOrderer } from './seq-orderer';

/**
 * An orderer over a fake clock whose "store" is `stored` (seq → event) for hole fills. Settling
 * a hole voids what the store lacks (released as null), as ConversationRepository.settleSeqs does;
 * `noStore` models a store that finds nothing, `unreachable` one that cannot settle either.
 */
function harness(stored: Map<number, string> = new Map()) {
  const clock = new ManualClock(1_000_000);
  const released: { conversationId: string; seq: number; event: string | null }[] = [];
  const holes: { conversationId: string; afterSeq: number; upToSeq: number }[] = [];
  let fillFromStore = true;
  let reachable = true;
  const orderer: SeqOrderer<string> = new SeqOrderer<string>(clock, {
    release: (conversationId, seq, event) => released.push({ conversationId, seq, event }),
    holeTimedOut: (conversationId, afterSeq, upToSeq) => {
      holes.push({ conversationId, afterSeq, upToSeq });
      if (fillFromStore) {
        for (let s = afterSeq + 1; s <= upToSeq; s++)
          if (stored.has(s)) orderer.accept(conversationId, s, stored.get(s)!);
      }
      const hole = reachable ? orderer.expiredHole(conversationId) : null;
      if (hole) {
        for (let s = hole.afterSeq + 1; s <= hole.upToSeq; s++)
          if (!hole.held.has(s)) orderer.accept(conversationId, s, null);
      }
      orderer.settleHole(conversationId);
    },
  });
  return {
    clock,
    orderer,
    released,
    holes,
    seqs: (id = 'c') => released.filter((r) => r.conversationId === id).map((r) => r.seq),
    events: (id = 'c') => released.filter((r) => r.conversationId === id).map((r) => r.event),
    noStore: () => (fillFromStore = false),
    unreachable: (is = true) => (reachable = !is),
  };
}

describe('SeqOrderer', () => {
  it('releases the next seq at once and drops duplicates', () => {
    const h = harness();
    h.orderer.begin('c', 4);
    h.orderer.accept('c', 5, 'e5');
    h.orderer.accept('c', 5, 'again');
    h.orderer.accept('c', 4, 'old');
    h.orderer.accept('c', 6, 'e6');
    expect(h.released).toEqual([
      { conversationId: 'c', seq: 5, event: 'e5' },
      { conversationId: 'c', seq: 6, event: 'e6' },
    ]);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('holds events behind a hole and releases them in order once it fills', () => {
    const h = harness();
    h.orderer.begin('c', 0);
    h.orderer.accept('c', 3, 'e3');
    h.orderer.accept('c', 2, 'e2');
    expect(h.released).toEqual([]);
    expect(h.orderer.isHolding('c')).toBe(true);
    expect(h.orderer.heldCount).toBe(2);
    h.orderer.accept('c', 1, 'e1');
    expect(h.events()).toEqual(['e1', 'e2', 'e3']);
    expect(h.orderer.isHolding('c')).toBe(false);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('keeps the first copy of a held seq', () => {
    const h = harness();
    h.orderer.begin('c', 0);
    h.orderer.accept('c', 2, 'first');
    h.orderer.accept('c', 2, 'second');
    h.orderer.accept('c', 1, 'e1');
    expect(h.events()).toEqual(['e1', 'first']);
  });

  it('null events advance the position without anything to show', () => {
    const h = harness();
    h.orderer.begin('c', 0);
    h.orderer.accept('c', 2, 'e2');
    h.orderer.accept('c', 1, null);
    expect(h.released.map((r) => [r.seq, r.event])).toEqual([
      [1, null],
      [2, 'e2'],
    ]);
    expect(h.orderer.positionOf('c')).toBe(2);
  });

  it('asks the store after HOLE_WAIT_MS, and delivers what the store has', () => {
    const h = harness(new Map([[2, 'stored2']]));
    h.orderer.begin('c', 1);
    h.orderer.accept('c', 3, 'e3');
    h.clock.advance(HOLE_WAIT_MS - 1);
    expect(h.holes).toEqual([]);
    h.clock.advance(1);
    expect(h.holes).toEqual([{ conversationId: 'c', afterSeq: 1, upToSeq: 3 }]);
    expect(h.events()).toEqual(['stored2', 'e3']);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('has the store settle a hole it cannot fill once it waited HOLE_WAIT_MS without progress: the void seq passes as null', () => {
    const h = harness();
    h.noStore();
    h.orderer.begin('c', 1);
    h.orderer.accept('c', 3, 'e3');
    h.orderer.accept('c', 4, 'e4');
    h.clock.advance(HOLE_WAIT_MS);
    expect(h.seqs()).toEqual([2, 3, 4]);
    expect(h.events()).toEqual([null, 'e3', 'e4']);
    expect(h.orderer.positionOf('c')).toBe(4);
    // Seq 2 arriving late is a duplicate now: never delivered out of order.
    h.orderer.accept('c', 2, 'late');
    expect(h.seqs()).toEqual([2, 3, 4]);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('never skips a hole by itself: while the store cannot settle it, it waits and asks again every HOLE_WAIT_MS', () => {
    const h = harness();
    h.noStore();
    h.unreachable();
    h.orderer.begin('c', 1);
    h.orderer.accept('c', 3, 'e3');
    h.clock.advance(HOLE_WAIT_MS);
    h.clock.advance(HOLE_WAIT_MS);
    h.clock.advance(HOLE_WAIT_MS);
    expect(h.holes).toHaveLength(3);
    expect(h.seqs()).toEqual([]);
    expect(h.orderer.heldCount).toBe(1);
    // The stalled write commits after all and arrives: both leave in order.
    h.orderer.accept('c', 2, 'e2');
    expect(h.events()).toEqual(['e2', 'e3']);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('does not settle a hole that made progress recently; it waits again', () => {
    const h = harness();
    h.noStore();
    h.orderer.begin('c', 0);
    h.orderer.accept('c', 3, 'e3');
    h.clock.advance(HOLE_WAIT_MS - 100);
    h.orderer.accept('c', 1, 'e1'); // progress: 1 released, 2 still missing
    h.clock.advance(100); // the timer fires, but the hole is only 100 ms old now
    expect(h.holes).toHaveLength(1);
    expect(h.seqs()).toEqual([1]);
    h.clock.advance(HOLE_WAIT_MS);
    expect(h.seqs()).toEqual([1, 2, 3]);
    expect(h.events()).toEqual(['e1', null, 'e3']);
  });

  it('skipTo jumps forward (resync), drops what lies below and keeps what lies above', () => {
    const h = harness();
    h.orderer.begin('c', 0);
    h.orderer.accept('c', 3, 'e3');
    h.orderer.accept('c', 6, 'e6');
    h.orderer.skipTo('c', 5);
    expect(h.seqs()).toEqual([6]);
    expect(h.orderer.positionOf('c')).toBe(6);
    h.orderer.skipTo('c', 2); // never backwards
    expect(h.orderer.positionOf('c')).toBe(6);
  });

  it('keeps conversations independent, and forget drops a conversation with its timer', () => {
    const h = harness();
    h.noStore();
    h.orderer.begin('a', 0);
    h.orderer.begin('b', 0);
    h.orderer.accept('a', 2, 'a2');
    h.orderer.accept('b', 1, 'b1');
    expect(h.released.map((r) => r.event)).toEqual(['b1']);
    h.orderer.forget('a');
    expect(h.clock.pendingTimers).toBe(0);
    expect(h.orderer.positionOf('a')).toBeUndefined();
    h.orderer.accept('a', 7, 'a7'); // an untracked conversation starts at its first event
    expect(h.events('a')).toEqual(['a7']);
  });

  it('close cancels every hole timer', () => {
    const h = harness();
    h.orderer.begin('c', 0);
    h.orderer.accept('c', 2, 'e2');
    expect(h.clock.pendingTimers).toBe(1);
    h.orderer.close();
    expect(h.clock.pendingTimers).toBe(0);
  });

  // Random interleavings of several conversations' events, each copy possibly duplicated,
  // delayed or lost on the bus (then found in the store), some seqs never written at all.
  const scenario = fc
    .array(
      fc.record({
        length: fc.integer({ min: 1, max: 25 }),
        abandoned: fc.array(fc.integer({ min: 1, max: 25 }), { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .chain((conversations) => {
      const copies = conversations.flatMap((c, ci) =>
        Array.from({ length: c.length }, (_, i) => i + 1)
          .filter((seq) => !c.abandoned.includes(seq))
          .map((seq) => ({ conversation: `c${ci}`, seq })),
      );
      return fc.record({
        conversations: fc.constant(conversations),
        arrivals: fc
          .tuple(
            ...copies.map((copy) =>
              fc.record({
                copy: fc.constant(copy),
                times: fc.integer({ min: 0, max: 3 }),
                delays: fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 3, maxLength: 3 }),
              }),
            ),
          )
          .chain((all) =>
            fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
          ),
      });
    });

  it('property: output is exactly each conversation in order, gap-free except abandoned seqs, duplicate-free', () => {
    fc.assert(
      fc.property(scenario, ({ conversations, arrivals }) => {
        const stored = new Map<string, Map<number, string>>();
        for (const { copy } of arrivals) {
          const m = stored.get(copy.conversation) ?? new Map<number, string>();
          m.set(copy.seq, `${copy.conversation}:${copy.seq}`);
          stored.set(copy.conversation, m);
        }
        const clock = new ManualClock(0);
        const out = new Map<string, number[]>();
        const orderer: SeqOrderer<string> = new SeqOrderer<string>(clock, {
          release: (id, seq, event) => {
            if (event === null) return; // a seq the store voided: nothing to show
            expect(event).toBe(`${id}:${seq}`);
            out.set(id, [...(out.get(id) ?? []), seq]);
          },
          holeTimedOut: (id, afterSeq, upTo) => {
            for (let s = afterSeq + 1; s <= upTo; s++) {
              const e = stored.get(id)?.get(s);
              if (e) orderer.accept(id, s, e);
            }
            const hole = orderer.expiredHole(id);
            if (hole) {
              for (let s = hole.afterSeq + 1; s <= hole.upToSeq; s++)
                if (!hole.held.has(s) && !stored.get(id)?.has(s)) orderer.accept(id, s, null);
            }
            orderer.settleHole(id);
          },
        });
        conversations.forEach((_, ci) => orderer.begin(`c${ci}`, 0));
        // Schedule every arriving copy (0 copies = lost on the bus: only the store has it).
        const deliveries = arrivals.flatMap(({ copy, times, delays }) =>
          delays.slice(0, times).map((at) => ({ at, copy })),
        );
        deliveries.sort((x, y) => x.at - y.at);
        let now = 0;
        for (const d of deliveries) {
          clock.advance(d.at - now);
          now = d.at;
          orderer.accept(d.copy.conversation, d.copy.seq, `${d.copy.conversation}:${d.copy.seq}`);
        }
        // Trailing seqs lost on the bus are found by the store poll (ConversationWatch); model it.
        for (const [id, events] of stored) {
          for (const [seq, e] of [...events].sort((x, y) => x[0] - y[0]))
            orderer.accept(id, seq, e);
        }
        clock.advance(10 * HOLE_WAIT_MS);
        conversations.forEach((c, ci) => {
          const id = `c${ci}`;
          const expected = Array.from({ length: c.length }, (_, i) => i + 1).filter(
            (s) => !c.abandoned.includes(s),
          );
          expect(out.get(id) ?? []).toEqual(expected);
        });
        expect(orderer.heldCount).toBe(0);
        expect(clock.pendingTimers).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('property: without loss or abandoned seqs, nothing waits for the store', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i + 1),
              { minLength: n, maxLength: n },
            ),
            fc.array(fc.integer({ min: 1, max: n })),
          ),
        ),
        ([n, order, dupes]) => {
          const h = harness();
          h.orderer.begin('c', 0);
          for (const seq of [...order, ...dupes]) h.orderer.accept('c', seq, `e${seq}`);
          expect(h.seqs()).toEqual(Array.from({ length: n }, (_, i) => i + 1));
          expect(h.holes).toEqual([]);
          expect(h.clock.pendingTimers).toBe(0);
        },
      ),
    );
  });
});
