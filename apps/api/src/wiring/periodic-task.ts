import { Logger } from '@nestjs/common';
import { Clock } from '@chatter/core';

/**
 * One background job of this instance, run every `intervalMs` (the clock's timers never keep
 * the process alive): one run at a time, a failed run logged and retried at the next interval,
 * and `stop()` cancels the timer and waits for a run in progress, so nothing touches the store
 * after shutdown closed it. The sweepers and the scheduler are built on it.
 */
export class PeriodicTask {
  private cancel: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private stoppedFlag = false;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: {
      intervalMs: number;
      /** What the warning says when a run fails. */
      failure: string;
      run: () => Promise<void>;
    },
  ) {}

  /** Whether stop() was called (long runs check it between batches). */
  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /**
   * Runs `batch(size)` until it handles fewer than `size` items, at most `maxBatches` times and
   * never after stop(): a run drains what is due in bounded batches, and the next run continues
   * if more remain.
   */
  async drain(
    size: number,
    batch: (size: number) => Promise<number>,
    maxBatches = 10,
  ): Promise<void> {
    for (let i = 0; i < maxBatches && !this.stoppedFlag; i++) {
      if ((await batch(size)) < size) break;
    }
  }

  /** Schedules the first run after `firstAfterMs` (0: at once), then every interval. */
  start(firstAfterMs = this.options.intervalMs): void {
    this.schedule(firstAfterMs);
  }

  async stop(): Promise<void> {
    this.stoppedFlag = true;
    this.cancel?.();
    await this.running;
  }

  private schedule(afterMs: number): void {
    if (this.stoppedFlag) return;
    this.cancel = this.clock.setTimer(afterMs, () => {
      this.running = this.options
        .run()
        .catch((err: unknown) => this.logger.warn({ err }, this.options.failure))
        .finally(() => {
          this.running = null;
          this.schedule(this.options.intervalMs);
        });
    });
  }
}
