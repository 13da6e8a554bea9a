/**
 * A payload whose execution has not finished (a resolver returned a promise). It settles once,
 * with the payload's JSON text, null (nothing to deliver) or an error, and then calls back every
 * subscription lane waiting on it: one settlement, no promise per subscriber.
 */
export class PendingPayload {
  settled = false;
  value: string | null = null;
  error: unknown = undefined;
  failed = false;
  private waiters: (() => void)[] = [];

  constructor(payload: Promise<string | null>) {
    payload.then(
      (value) => this.settle(value, false, undefined),
      (error: unknown) => this.settle(null, true, error),
    );
  }

  /** Calls `waiter` once this settles (at once when it already has). */
  whenSettled(waiter: () => void): void {
    if (this.settled) waiter();
    else this.waiters.push(waiter);
  }

  private settle(value: string | null, failed: boolean, error: unknown): void {
    this.settled = true;
    this.value = value;
    this.failed = failed;
    this.error = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      try {
        waiter();
      } catch {
        // one lane's failure must not keep the payload from the others
      }
    }
  }
}

/** One item rendered for one subscriber: its payload's JSON text, null (nothing to deliver), or pending. */
export type RenderedPayload = string | null | PendingPayload;
