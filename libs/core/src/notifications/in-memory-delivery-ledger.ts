import { randomBytes } from 'node:crypto';
import { Clock } from '../shared/clock';
import { DeliveryClaim, DeliveryLedger } from './delivery-ledger.port';

/** Most keys kept; the oldest are dropped first (a sent key only guards against redelivery). */
const MAX_KEYS = 100_000;

/** The embedded ledger: one process, so a Map with expiry times is enough. */
export class InMemoryDeliveryLedger extends DeliveryLedger {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly clock: Clock) {
    super();
  }

  async claim(key: string, leaseMs: number): Promise<DeliveryClaim> {
    const now = this.clock.now().getTime();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now)
      return { outcome: entry.value === 'SENT' ? 'SENT' : 'BUSY' };
    const token = randomBytes(9).toString('base64url');
    this.set(key, token, now + leaseMs);
    return { outcome: 'CLAIMED', token };
  }

  async markSent(key: string, keepMs: number): Promise<void> {
    this.set(key, 'SENT', this.clock.now().getTime() + keepMs);
  }

  async release(key: string, token: string): Promise<void> {
    if (this.entries.get(key)?.value === token) this.entries.delete(key);
  }

  private set(key: string, value: string, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    if (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value!);
  }
}
