import type { StreamItem } from '@chatter/core';

/**
 * Seconds from a new message's creation to its delivery (undefined for other items). Replays of
 * older messages count too: for them it is how late the subscriber got the message.
 */
export function deliveryLagSeconds(item: StreamItem, nowMs: number): number | undefined {
  if (item.kind !== 'event' || item.event.type !== 'MESSAGE_ADDED') return undefined;
  const created = new Date(item.event.message.createdAt).getTime();
  return Number.isFinite(created) ? Math.max(0, (nowMs - created) / 1000) : undefined;
}
