import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, ManageCalls } from '@chatter/core';

const SWEEP_INTERVAL_MS = 5_000;

/**
 * Expires call invites whose own timer is gone (the instance that started them stopped) every
 * 5 s on each instance; expiring is a compare-and-set in the store, so instances never record a
 * missed call twice.
 */
@Injectable()
export class CallSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Calls');
  private cancel: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly calls: ManageCalls,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.cancel?.();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancel = this.clock.setTimer(SWEEP_INTERVAL_MS, () => {
      void this.run().finally(() => this.schedule());
    });
  }

  private async run(): Promise<void> {
    try {
      await this.calls.expireDue(100);
    } catch (err) {
      this.logger.warn({ err }, 'call invite sweep failed; retrying next interval');
    }
  }
}
