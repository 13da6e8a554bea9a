import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Clock, MessageRetention } from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';

/**
 * Runs message retention every RETENTION_SWEEP_INTERVAL_SECONDS on each instance, at most
 * RETENTION_SWEEP_BATCH messages a run. A run is idempotent: two instances tombstoning the same
 * message both succeed, the second finds it already deleted.
 */
@Injectable()
export class MessageRetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MessageRetention');
  private cancel: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly retention: MessageRetention,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    this.cancel = this.clock.setTimer(
      this.config.moderation.retentionSweepIntervalSeconds * 1000,
      () => {
        void this.run().finally(() => this.schedule());
      },
    );
  }

  private async run(): Promise<void> {
    try {
      const removed = await this.retention.sweep(this.config.moderation.retentionSweepBatch);
      if (removed > 0) this.logger.log({ removed }, 'expired messages deleted');
    } catch (err) {
      this.logger.warn({ err }, 'message retention failed; retrying next interval');
    }
  }
}
