import { describe, expect, it } from 'vitest';
import type { StreamItem } from '@chatter/core';
import { MAX_PENDING_ITEMS, StreamIterator } from './stream-iterator';

const resync = (n: number): StreamItem => ({
  kind: 'resync',
  conversationId: String(n),
  reason: 'TOO_FAR_BEHIND',
});

function iterator() {
  const it = new StreamIterator();
  let stops = 0;
  it.stream = { stop: async () => void stops++ } as unknown as StreamIterator['stream'];
  return { it, stops: () => stops };
}

describe('StreamIterator (push-based stream to the iterator graphql-ws pulls)', () => {
  it('hands items over in order, to a waiting reader or from the queue', async () => {
    const { it } = iterator();
    const waiting = it.next();
    it.push(resync(1));
    it.push(resync(2));
    it.push(resync(3));
    expect((await waiting).value).toEqual(resync(1));
    expect((await it.next()).value).toEqual(resync(2));
    expect((await it.next()).value).toEqual(resync(3));
  });

  it('replaces an overflowing queue with one close item (4013) and stops the stream', async () => {
    const { it, stops } = iterator();
    for (let i = 0; i <= MAX_PENDING_ITEMS; i++) it.push(resync(i));
    expect(await it.next()).toEqual({
      done: false,
      value: { kind: 'close', code: 4013, reason: 'Slow consumer: resume with cursors' },
    });
    expect(stops()).toBe(1);
  });

  it('ends on return: stops the stream, releases a waiting reader, ignores later pushes', async () => {
    const { it, stops } = iterator();
    const waiting = it.next();
    await it.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    it.push(resync(1));
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(stops()).toBe(1);
  });

  it('hands queued and later items to an attached sink, and then refuses readers', async () => {
    const { it: source } = iterator();
    source.push(resync(1));
    const got: StreamItem[] = [];
    source.attach({ accept: (item) => got.push(item) });
    source.push(resync(2));
    expect(got).toEqual([resync(1), resync(2)]);
    await expect(source.next()).rejects.toThrow('consumed by its lane');
    expect(() => source.attach({ accept: () => undefined })).toThrow('one consumer');
    await source.return();
    source.push(resync(3));
    expect(got).toHaveLength(2);
  });
});
