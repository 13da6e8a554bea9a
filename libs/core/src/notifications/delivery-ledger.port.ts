/** What claiming a delivery found: it is ours to send now, was sent already, or is being sent. */
export type DeliveryClaim = { outcome: 'CLAIMED'; token: string } | { outcome: 'SENT' | 'BUSY' };

/**
 * Records which notifications were sent, by a key per (message, device), so a job the queue
 * hands out again (its instance died after sending but before acknowledging) does not push a
 * second time. A claim is a lease: an instance that dies mid-send leaves a claim that expires,
 * after which the redelivered job may send. Shared by every instance in a cluster (Redis),
 * in memory when embedded.
 */
export abstract class DeliveryLedger {
  /** Claims `key` for at most `leaseMs`, unless it was sent or another live claim holds it. */
  abstract claim(key: string, leaseMs: number): Promise<DeliveryClaim>;
  /** Records `key` as sent (kept `keepMs`); later claims answer SENT. */
  abstract markSent(key: string, keepMs: number): Promise<void>;
  /** Gives up a claim (the send failed and will be retried), if `token` still holds it. */
  abstract release(key: string, token: string): Promise<void>;
}
