import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AttachmentLifecycle, Clock } from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';

/**
 * Runs the attachment sweep every ATTACHMENT_SWEEP_INTERVAL_SECONDS on each instance (a sweep is
 * idempotent: two instances deleting the same expired file both succeed).
 */
@Injectable()
export class AttachmentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Attachments');
  private cancel: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly lifecycle: AttachmentLifecycle,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.files.storage !== null) this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.cancel?.();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancel = this.clock.setTimer(this.config.files.sweepIntervalSeconds * 1000, () => {
      void this.run().finally(() => this.schedule());
    });
  }

  private async run(): Promise<void> {
    try {
      // Drain in batches; the next tick continues if more remain.
      for (let batch = 0; batch < 10 && !this.stopped; batch++) {
        if ((await this.lifecycle.sweep(100)) < 100) break;
      }
    } catch (err) {
      this.logger.warn({ err }, 'attachment sweep failed; retrying next interval');
    }
  }
}
