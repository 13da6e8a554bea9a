import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, RealtimeEvent } from './realtime-event';

const at = new Date('2026-01-02T03:04:05.678Z');
const message = {
  id: 'm1',
  tenantId: 't',
  conversationId: 'c',
  seq: 3,
  senderId: 'u1',
  clientMessageId: 'k',
  // User text that looks like a date or a date field stays text.
  body: '{"createdAt":"2026-01-02T03:04:05.678Z"} createdAt 2026-01-02T03:04:05.678Z',
  replyToId: null,
  createdAt: at,
  editedAt: null,
  deletedAt: at,
};
const user = {
  id: 'u1',
  tenantId: 't',
  name: 'createdAt',
  lastSeenAt: at,
  createdAt: at,
  updatedAt: at,
};

describe('encodeEvent / decodeEvent', () => {
  it('round-trips events with their dates as Dates and text as text', () => {
    const events = [
      { type: 'MESSAGE_ADDED', tenantId: 't', conversationId: 'c', seq: 3, message },
      { type: 'PRESENCE', tenantId: 't', userId: 'u1', status: 'ONLINE', lastSeenAt: at, user },
      {
        type: 'MEMBERSHIP_CHANGED',
        tenantId: 't',
        conversationId: 'c',
        seq: 4,
        userId: 'u2',
        change: 'ADDED',
        conversation: { id: 'c', title: 'lastActivityAt', lastActivityAt: at, createdAt: at },
      },
    ] as unknown as RealtimeEvent[];
    for (const event of events) expect(decodeEvent(encodeEvent(event))).toEqual(event);
    const decoded = decodeEvent(encodeEvent(events[0]!)) as Extract<
      RealtimeEvent,
      { type: 'MESSAGE_ADDED' }
    >;
    expect(decoded.message.createdAt).toBeInstanceOf(Date);
    expect(decoded.message.editedAt).toBeNull();
    expect(decoded.message.body).toBe(message.body);
  });

  it('answers null for anything that is not an event, and adds nothing to prototypes', () => {
    expect(decodeEvent('not json')).toBeNull();
    expect(decodeEvent('[1,2]')).toBeNull();
    expect(decodeEvent('{"seq":1}')).toBeNull();
    const odd = decodeEvent('{"type":"X","__proto__":{"createdAt":"2026-01-01T00:00:00Z"}}');
    expect(odd).not.toBeNull();
    expect(({} as Record<string, unknown>)['createdAt']).toBeUndefined();
  });
});
