import type { StreamItem } from '@chatter/core';

/**
 * Seconds from a new message's creation to its delivery (undefined for other items). Replays of
 * older messages count too: for them it is how late the subscriber got the message.
 */
export function deliveryLagSeconds(item: StreamItem, nowMs: number): number | undefined {
  if (item.kind !== 'event' || item.event.type !== 'MESSAGE_ADDED') return undefined;
  // A Date once the event is decoded; read without copying it (this runs once per delivery).
  const at: Date | string = item.event.message.createdAt;
  const created = at instanceof Date ? at.getTime() : new Date(at).getTime();
  return Number.isFinite(created) ? Math.max(0, (nowMs - created) / 1000) : undefined;
}
