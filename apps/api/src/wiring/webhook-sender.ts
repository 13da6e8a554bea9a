import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Clock, SendDueWebhooks } from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';
import { PeriodicTask } from './periodic-task';

/** Deliveries claimed per batch; each batch is sent concurrently. */
const BATCH = 20;

/**
 * Every WEBHOOK_POLL_INTERVAL_MS on each instance, from boot: sends the outgoing webhook
 * deliveries that are due in the durable queue (so retries that fell due while no instance ran,
 * or whose instance stopped mid-attempt, go out now). Each attempt is leased in the store, so
 * instances sharing a store never send one attempt together. Stops at shutdown after the batch
 * in progress.
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly task: PeriodicTask;

  constructor(
    private readonly sender: SendDueWebhooks,
    clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.task = new PeriodicTask(clock, this.logger, {
      intervalMs: config.webhooks.pollIntervalMs,
      failure: 'webhook deliveries failed; retrying next interval',
      run: () => this.run(),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start(0);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  private run(): Promise<void> {
    return this.task.drain(BATCH, (size) => this.sender.sendDue(size));
  }
}
