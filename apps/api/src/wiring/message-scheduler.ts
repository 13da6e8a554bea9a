import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Clock, ExpireMessages, ScheduleMessages } from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';

/**
 * Every SCHEDULER_INTERVAL_MS on each instance, starting at boot: sends due scheduled messages
 * (so messages that fell due while no instance ran go out at once) and deletes expired
 * disappearing messages. Each scheduled message is claimed in the store (a SQLite transaction, a
 * MongoDB findOneAndUpdate with a lease), so instances sharing a store never both send one; each
 * expired message is deleted (and reported) by one instance.
 */
@Injectable()
export class MessageScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private cancel: (() => void) | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly scheduled: ScheduleMessages,
    private readonly expiry: ExpireMessages,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.running;
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.stopped) return;
      this.cancel = this.clock.setTimer(this.config.scheduler.intervalMs, () => this.tick());
    });
  }

  private async run(): Promise<void> {
    try {
      // Drain in batches; the next tick continues if more remain.
      for (let batch = 0; batch < 10 && !this.stopped; batch++) {
        if ((await this.scheduled.fireDue(50)) < 50) break;
      }
    } catch (err) {
      this.logger.warn({ err }, 'scheduled messages failed to fire; retrying next interval');
    }
    try {
      for (let batch = 0; batch < 10 && !this.stopped; batch++) {
        if ((await this.expiry.sweep(200)) < 200) break;
      }
    } catch (err) {
      this.logger.warn({ err }, 'expired messages failed to go; retrying next interval');
    }
  }
}
