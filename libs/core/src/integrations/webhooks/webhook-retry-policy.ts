/** How outgoing webhook deliveries are retried, leased and given up on. */
export class WebhookRetryPolicy {
  /** Attempts per event, the first included. */
  readonly maxAttempts: number;
  /** Delay before attempt 2 (then ×5 each time, capped at `maxDelayMs`). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Consecutive dead deliveries (every attempt failed) that disable a webhook. */
  readonly disableAfterFailures: number;
  /** How long a claimed attempt is reserved for its instance (longer than a send can take). */
  readonly leaseMs: number;

  constructor(
    options: Partial<
      Pick<
        WebhookRetryPolicy,
        'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'disableAfterFailures' | 'leaseMs'
      >
    > = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 12 * 3_600_000;
    this.disableAfterFailures = options.disableAfterFailures ?? 20;
    this.leaseMs = options.leaseMs ?? 120_000;
  }

  /** The wait after failed attempt `attempt` (exponential), or null when it was the last one. */
  delayAfter(attempt: number): number | null {
    if (attempt >= this.maxAttempts) return null;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 5 ** (attempt - 1));
  }
}
