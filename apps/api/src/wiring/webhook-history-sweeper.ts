import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Clock, PruneWebhookHistory } from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';
import { PeriodicTask } from './periodic-task';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Entries of each kind removed per batch; a run drains what is due in batches. */
const BATCH = 500;

/**
 * Every hour on each instance (the first run a minute after boot): removes webhook delivery log
 * entries and dead letters older than WEBHOOK_HISTORY_DAYS. Instances running it together
 * remove disjoint or already removed rows, so a run is safe anywhere.
 */
@Injectable()
export class WebhookHistorySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(history: PruneWebhookHistory, clock: Clock, @Inject(APP_CONFIG) config: AppConfig) {
    const logger = new Logger('Webhooks');
    const keepMs = config.webhooks.historyDays * DAY_MS;
    this.task = new PeriodicTask(clock, logger, {
      intervalMs: HOUR_MS,
      failure: 'pruning webhook history failed; retrying next interval',
      run: async () => {
        let deliveries = 0;
        let deadLetters = 0;
        await this.task.drain(BATCH, async (size) => {
          const pruned = await history.prune(keepMs, size);
          deliveries += pruned.deliveries;
          deadLetters += pruned.deadLetters;
          return Math.max(pruned.deliveries, pruned.deadLetters);
        });
        if (deliveries + deadLetters > 0)
          logger.log({ deliveries, deadLetters }, 'old webhook history removed');
      },
    });
  }

  onApplicationBootstrap(): void {
    this.task.start(60_000);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
