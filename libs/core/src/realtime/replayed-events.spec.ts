import { describe, expect, it } from 'vitest';
import { MAX_REPLAYED_ENTRIES, REPLAY_SHARE_MS, ReplayedEvents } from './replayed-events';
import type { OrderedRealtimeEvent } from '../events/realtime-event';

const event = (seq: number): OrderedRealtimeEvent =>
  ({
    type: 'CONVERSATION_CHANGED',
    tenantId: 't',
    conversationId: 'c',
    seq,
  }) as OrderedRealtimeEvent;

describe('ReplayedEvents', () => {
  it('hands every stream the same object for the same log entry while it is fresh', () => {
    let now = 1_000;
    const cache = new ReplayedEvents(() => now);
    const e = event(7);
    cache.set('t', 'c', 7, e);
    expect(cache.get('t', 'c', 7)).toBe(e);
    expect(cache.get('t', 'c', 8)).toBeUndefined();
    expect(cache.get('t', 'other', 7)).toBeUndefined();
    expect(cache.get('u', 'c', 7)).toBeUndefined();
    now += REPLAY_SHARE_MS;
    expect(cache.get('t', 'c', 7)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('remembers entries with nothing to show (null) apart from unknown ones', () => {
    const cache = new ReplayedEvents(() => 0);
    cache.set('t', 'c', 3, null);
    expect(cache.get('t', 'c', 3)).toBeNull();
    expect(cache.get('t', 'c', 4)).toBeUndefined();
  });

  it('lets expired entries go as time passes, without waiting to be full', () => {
    let now = 0;
    const cache = new ReplayedEvents(() => now);
    for (let i = 0; i < 500; i++) cache.set('t', 'c', i, event(i));
    now += REPLAY_SHARE_MS / 2;
    for (let i = 0; i < 300; i++) cache.set('t', 'd', i, event(i));
    expect(cache.size).toBe(800);
    now += REPLAY_SHARE_MS / 2;
    cache.set('t', 'e', 1, null);
    // The first 500 expired; the 300 set later are still fresh.
    expect(cache.size).toBe(301);
    expect(cache.get('t', 'd', 0)).toEqual(event(0));
    expect(cache.get('t', 'c', 499)).toBeUndefined();
  });

  it('keeps a replaced entry for its new lifetime', () => {
    let now = 0;
    const cache = new ReplayedEvents(() => now);
    cache.set('t', 'c', 1, null);
    cache.set('t', 'c', 2, null);
    now += REPLAY_SHARE_MS - 1;
    const fresh = event(1);
    cache.set('t', 'c', 1, fresh);
    now += 1;
    cache.set('t', 'c', 3, null);
    expect(cache.get('t', 'c', 2)).toBeUndefined();
    expect(cache.get('t', 'c', 1)).toBe(fresh);
  });

  it('stays bounded: with only live entries, the oldest go first', () => {
    const cache = new ReplayedEvents(() => 0);
    for (let i = 0; i < MAX_REPLAYED_ENTRIES + 10; i++) cache.set('t', 'c', i, null);
    expect(cache.size).toBe(MAX_REPLAYED_ENTRIES);
    expect(cache.get('t', 'c', 9)).toBeUndefined();
    expect(cache.get('t', 'c', 10)).toBeNull();
    expect(cache.get('t', 'c', MAX_REPLAYED_ENTRIES + 9)).toBeNull();
  });
});
