import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Clock, MessageRetention } from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';
import { PeriodicTask } from './periodic-task';

/**
 * Runs message retention every RETENTION_SWEEP_INTERVAL_SECONDS on each instance, at most
 * RETENTION_SWEEP_BATCH messages a run. A run is idempotent: two instances tombstoning the same
 * message both succeed, the second finds it already deleted.
 */
@Injectable()
export class MessageRetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(retention: MessageRetention, clock: Clock, @Inject(APP_CONFIG) config: AppConfig) {
    const logger = new Logger('MessageRetention');
    this.task = new PeriodicTask(clock, logger, {
      intervalMs: config.moderation.retentionSweepIntervalSeconds * 1000,
      failure: 'message retention failed; retrying next interval',
      run: async () => {
        const removed = await retention.sweep(config.moderation.retentionSweepBatch);
        if (removed > 0) logger.log({ removed }, 'expired messages deleted');
      },
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
