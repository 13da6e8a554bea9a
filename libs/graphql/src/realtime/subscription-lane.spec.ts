import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamItem } from '@chatter/core';
import { userText } from '@chatter/testing';
import { PendingPayload, RenderedPayload } from './pending-payload';
import { MAX_PENDING_ITEMS, StreamIterator } from './stream-iterator';
import { SubscriptionLane } from './subscription-lane';

const resync = (conversationId: string): StreamItem => ({
  kind: 'resync',
  conversationId,
  reason: 'TOO_FAR_BEHIND',
});
const idOf = (item: StreamItem) => (item as { conversationId: string }).conversationId;

/** A render the test settles by hand. */
function deferred() {
  let settle!: (v: string | null) => void;
  let fail!: (e: unknown) => void;
  const payload = new PendingPayload(
    new Promise<string | null>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    }),
  );
  return { payload, settle, fail };
}

function harness(
  operationId: string,
  render: (item: StreamItem) => RenderedPayload,
  /** Items the stream queued before the lane attached. */
  queued: StreamItem[] = [],
) {
  const source = new StreamIterator();
  for (const item of queued) source.push(item);
  let stops = 0;
  source.stream = { stop: async () => void stops++ } as unknown as StreamIterator['stream'];
  const frames: string[] = [];
  const log: string[] = [];
  const lane = new SubscriptionLane(operationId, source, {
    render,
    writeNext: (head, headBytes, json) => {
      expect(headBytes).toBe(Buffer.byteLength(head));
      frames.push(head + json + '}');
    },
    closeConnection: (code, reason) => log.push(`close ${code} ${reason}`),
    delivered: (item) => log.push(`delivered ${idOf(item)}`),
    ended: () => log.push('ended'),
  });
  return { source, lane, frames, log, stops: () => stops };
}

const flushMicrotasks = () => new Promise((r) => setTimeout(r, 0));

describe('SubscriptionLane (a subscription straight to its socket)', () => {
  it('writes every payload exactly, in stream order, whatever order the renders finish in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('1', '$&', '"}', 'a\u2028b', 'é\u202e'),
        fc.array(
          fc.record({
            body: userText({ maxPieces: 4 }),
            pending: fc.boolean(),
            nothing: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (operationId, items, settleOrder) => {
          const pendings: { settle: () => void }[] = [];
          const h = harness(operationId, (item) => {
            const spec = items[Number(idOf(item))]!;
            const json = spec.nothing ? null : JSON.stringify({ data: { body: spec.body } });
            if (!spec.pending) return json;
            const d = deferred();
            pendings.push({ settle: () => d.settle(json) });
            return d.payload;
          });
          items.forEach((_, i) => h.source.push(resync(String(i))));
          // Settle the pending renders in a random order.
          const order = pendings.map((p, i) => ({ p, k: settleOrder[i] ?? i }));
          order.sort((x, y) => x.k - y.k);
          for (const { p } of order) {
            p.settle();
            await flushMicrotasks();
          }
          const expected = items
            .filter((i) => !i.nothing)
            .map((i) => ({ id: operationId, type: 'next', payload: { data: { body: i.body } } }));
          expect(h.frames.map((f) => JSON.parse(f))).toEqual(expected);
          // Byte for byte: the frame is the payload text inside fixed parts.
          for (const [n, frame] of h.frames.entries())
            expect(frame).toBe(
              `{"id":${JSON.stringify(operationId)},"type":"next","payload":${JSON.stringify(expected[n]!.payload)}}`,
            );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('takes the items queued before it attached, in order', () => {
    const h = harness('1', (item) => `"${idOf(item)}"`, [resync('a'), resync('b')]);
    h.source.push(resync('c'));
    expect(h.frames).toEqual([
      '{"id":"1","type":"next","payload":"a"}',
      '{"id":"1","type":"next","payload":"b"}',
      '{"id":"1","type":"next","payload":"c"}',
    ]);
  });

  it('closes the connection on a close item only after the items before it are written', async () => {
    const d = deferred();
    const h = harness('1', (item) => (idOf(item) === 'slow' ? d.payload : '{}'));
    const ending = h.lane.next();
    h.source.push(resync('slow'));
    h.source.push({ kind: 'close', code: 4403, reason: 'Forbidden: session revoked' });
    h.source.push(resync('after'));
    expect(h.log).toEqual([]);
    d.settle('{"x":1}');
    expect(await ending).toEqual({ done: true, value: undefined });
    expect(h.frames).toEqual(['{"id":"1","type":"next","payload":{"x":1}}']);
    expect(h.log).toEqual(['delivered slow', 'close 4403 Forbidden: session revoked', 'ended']);
    expect(h.stops()).toBe(1);
  });

  it('ends once when graphql-ws returns it: no frame after that, even from a render still running', async () => {
    const d = deferred();
    const h = harness('1', () => d.payload);
    const ending = h.lane.next();
    h.source.push(resync('a'));
    await h.lane.return();
    await h.lane.return();
    expect(await ending).toEqual({ done: true, value: undefined });
    d.settle('{}');
    h.source.push(resync('b'));
    await flushMicrotasks();
    expect(h.frames).toEqual([]);
    expect(h.log).toEqual(['ended']);
    expect(h.stops()).toBe(1);
  });

  it('ends with the error when a render fails (graphql-ws sends it as an error frame)', async () => {
    const d = deferred();
    const h = harness('1', () => d.payload);
    const ending = h.lane.next();
    h.source.push(resync('a'));
    d.fail(new Error('render failed'));
    await expect(ending).rejects.toThrow('render failed');
    expect(h.log).toEqual(['ended']);
    const thrown = harness('2', () => {
      throw new Error('no');
    });
    thrown.source.push(resync('a'));
    await expect(thrown.lane.next()).rejects.toThrow('no');
  });

  it('closes a subscriber with 4013 when too many items wait behind an unfinished render', () => {
    const d = deferred();
    const h = harness('1', (item) => (idOf(item) === 'stuck' ? d.payload : '{}'));
    h.source.push(resync('stuck'));
    for (let i = 1; i < MAX_PENDING_ITEMS; i++) h.source.push(resync(String(i)));
    expect(h.log).toEqual([]);
    h.source.push(resync('over'));
    expect(h.log).toEqual(['close 4013 Slow consumer: resume with cursors', 'ended']);
    expect(h.frames).toEqual([]);
  });
});
