import { describe, expect, it } from 'vitest';
import { REPLAY_SHARE_MS, ReplayedEvents } from './replayed-events';
import type { OrderedRealtimeEvent } from './realtime-event';

const event = (seq: number): OrderedRealtimeEvent =>
  ({ type: 'CONVERSATION_CHANGED', tenantId: 't', conversationId: 'c', seq }) as OrderedRealtimeEvent;

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

  it('stays bounded: expired entries go first when full', () => {
    let now = 0;
    const cache = new ReplayedEvents(() => now);
    for (let i = 0; i < 100_000; i++) cache.set('t', 'c', i, null);
    now += REPLAY_SHARE_MS;
    cache.set('t', 'c', -1, null);
    expect(cache.size).toBe(1);
    for (let i = 0; i < 100_000; i++) cache.set('t', 'd', i, null);
    expect(cache.size).toBeLessThanOrEqual(100_000);
  });
});
