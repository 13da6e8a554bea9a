import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { StreamItem } from '@chatter/core';
import { deliveryLagSeconds, renderedEvents } from './rendered-events';
import { SharedPayload } from './shared-frames';
import { StreamIterator } from './stream-iterator';

function harness(
  render: (item: StreamItem) => ExecutionResult | SharedPayload | null = (item) => ({
    data: { item } as Record<string, unknown>,
  }),
) {
  const source = new StreamIterator();
  let stops = 0;
  source.stream = { stop: async () => void stops++ } as unknown as StreamIterator['stream'];
  const log: string[] = [];
  const events = renderedEvents(source, {
    render: async (item) => render(item),
    closeConnection: (code, reason) => log.push(`close ${code} ${reason}`),
    delivered: () => log.push('delivered'),
    ended: () => log.push('ended'),
  });
  return { source, events, log, stops: () => stops };
}

const resync = (c: string): StreamItem => ({
  kind: 'resync',
  conversationId: c,
  reason: 'TOO_FAR_BEHIND',
});

describe('renderedEvents (the iterator graphql-ws consumes)', () => {
  it('yields each rendered item, shared payloads as they are, and counts deliveries', async () => {
    const shared = new SharedPayload('{"data":{}}');
    const h = harness((item) =>
      item.kind === 'resync' && item.conversationId === 'b'
        ? shared
        : { data: { c: (item as { conversationId: string }).conversationId } },
    );
    h.source.push(resync('a'));
    h.source.push(resync('b'));
    expect(await h.events.next()).toEqual({ done: false, value: { data: { c: 'a' } } });
    expect((await h.events.next()).value).toBe(shared);
    expect(h.log).toEqual(['delivered', 'delivered']);
  });

  it('skips items with nothing to deliver', async () => {
    const h = harness((item) =>
      (item as { conversationId: string }).conversationId === 'skip' ? null : { data: {} },
    );
    h.source.push(resync('skip'));
    h.source.push(resync('keep'));
    expect((await h.events.next()).done).toBe(false);
    expect(h.log).toEqual(['delivered']);
  });

  it('turns a close item into the end of the connection and ends the stream once', async () => {
    const h = harness();
    h.source.push({ kind: 'close', code: 4403, reason: 'Forbidden: session revoked' });
    expect(await h.events.next()).toEqual({ done: true, value: undefined });
    expect(await h.events.next()).toEqual({ done: true, value: undefined });
    await h.events.return!();
    expect(h.log).toEqual(['close 4403 Forbidden: session revoked', 'ended']);
    expect(h.stops()).toBe(1);
  });

  it('ends the stream once when graphql-ws returns it (socket closed), even while a next() waits', async () => {
    const h = harness();
    const waiting = h.events.next();
    await h.events.return!();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await h.events.return!();
    expect(h.log).toEqual(['ended']);
    expect(h.stops()).toBe(1);
  });

  it('ends the stream on throw and rethrows', async () => {
    const h = harness();
    await expect(h.events.throw!(new Error('x'))).rejects.toThrow('x');
    expect(h.log).toEqual(['ended']);
  });
});

describe('deliveryLagSeconds', () => {
  const added = (createdAt: Date) =>
    ({
      kind: 'event',
      event: { type: 'MESSAGE_ADDED', message: { createdAt } },
    }) as unknown as StreamItem;

  it('is the time from the message creation to now, for new messages only', () => {
    expect(deliveryLagSeconds(added(new Date(10_000)), 12_500)).toBe(2.5);
    // A clock slightly behind the writer's: no negative lag.
    expect(deliveryLagSeconds(added(new Date(10_000)), 9_000)).toBe(0);
    expect(
      deliveryLagSeconds({ kind: 'resync', conversationId: 'c', reason: 'TOO_FAR_BEHIND' }, 1),
    ).toBeUndefined();
    expect(
      deliveryLagSeconds({ kind: 'event', event: { type: 'TYPING' } } as unknown as StreamItem, 1),
    ).toBeUndefined();
  });
});
