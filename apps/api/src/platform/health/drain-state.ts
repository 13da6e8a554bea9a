import { Injectable } from '@nestjs/common';

/**
 * Whether this instance is shutting down. Once draining, health and readiness answer 503 so
 * load balancers stop routing here, and connection handlers should refuse new clients.
 */
@Injectable()
export class DrainState {
  private drainingSince: Date | undefined;
  private readonly listeners = new Set<() => void>();

  get isDraining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Flips to draining (idempotent) and notifies listeners once. */
  startDraining(): void {
    if (this.drainingSince) return;
    this.drainingSince = new Date();
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` when draining starts; returns a function that removes it. */
  onDraining(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
