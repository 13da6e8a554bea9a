/** What the sender sees of one of their messages: sent, delivered (to someone), read. */
export type Tick = 'sent' | 'delivered' | 'read';

export interface DeliveryCounts {
  /** Members other than me who received it. */
  delivered: number;
  /** Members other than me who read it. */
  read: number;
}

/**
 * Counts from the server (`deliveredTo`, `readBy` at fetch time) merged with the pointers
 * learned live since: the larger wins, and reading implies receipt.
 */
export function deliveryCounts(
  server: { deliveredTo: number; readBy: number },
  live: DeliveryCounts,
): DeliveryCounts {
  const read = Math.max(server.readBy, live.read);
  return { read, delivered: Math.max(server.deliveredTo, live.delivered, read) };
}

/**
 * The tick: in a direct chat read/delivered as soon as the other person has; in a group read
 * once everyone else read it and delivered once anyone received it.
 */
export function tickFor(kind: string, memberCount: number, counts: DeliveryCounts): Tick {
  const others = Math.max(1, memberCount - 1);
  if (kind === 'DIRECT' ? counts.read > 0 : counts.read >= others) return 'read';
  return counts.delivered > 0 ? 'delivered' : 'sent';
}

/** The line under my newest message. */
export function deliveryLine(kind: string, counts: DeliveryCounts): string {
  if (kind === 'DIRECT') {
    if (counts.read > 0) return 'Seen';
    return counts.delivered > 0 ? 'Delivered' : 'Sent';
  }
  if (counts.delivered === 0) return 'Sent';
  return counts.read > 0
    ? `Delivered to ${counts.delivered} · Seen by ${counts.read}`
    : `Delivered to ${counts.delivered}`;
}

export const TICK_LABEL: Record<Tick, string> = {
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Seen',
};
