import { describe, expect, it } from 'vitest';
import type { StreamItem } from '@chatter/core';
import { deliveryLagSeconds } from './delivery-lag';

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
