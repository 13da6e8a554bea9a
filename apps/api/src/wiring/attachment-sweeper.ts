import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AttachmentLifecycle, Clock } from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';
import { PeriodicTask } from './periodic-task';

/**
 * Runs the attachment sweep every ATTACHMENT_SWEEP_INTERVAL_SECONDS on each instance (a sweep is
 * idempotent: two instances deleting the same expired file both succeed).
 */
@Injectable()
export class AttachmentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    lifecycle: AttachmentLifecycle,
    clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask(clock, new Logger('Attachments'), {
      intervalMs: config.files.sweepIntervalSeconds * 1000,
      failure: 'attachment sweep failed; retrying next interval',
      run: () => this.task.drain(100, (size) => lifecycle.sweep(size)),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.files.storage !== null) this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
