import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Clock, ExpireMessages, ScheduleMessages } from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';
import { PeriodicTask } from './periodic-task';

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
  private readonly task: PeriodicTask;

  constructor(
    private readonly scheduled: ScheduleMessages,
    private readonly expiry: ExpireMessages,
    clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.task = new PeriodicTask(clock, this.logger, {
      intervalMs: config.scheduler.intervalMs,
      failure: 'scheduled and disappearing messages failed; retrying next interval',
      run: () => this.run(),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start(0);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  private async run(): Promise<void> {
    try {
      await this.task.drain(50, (size) => this.scheduled.fireDue(size));
    } catch (err) {
      this.logger.warn({ err }, 'scheduled messages failed to fire; retrying next interval');
    }
    // Expiry runs even when firing failed.
    await this.task.drain(200, (size) => this.expiry.sweep(size));
  }
}
