import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, ManageCalls } from '@chatter/core';
import { PeriodicTask } from './periodic-task';

const SWEEP_INTERVAL_MS = 5_000;

/**
 * Expires call invites whose own timer is gone (the instance that started them stopped) every
 * 5 s on each instance; expiring is a compare-and-set in the store, so instances never record a
 * missed call twice.
 */
@Injectable()
export class CallSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(calls: ManageCalls, clock: Clock) {
    this.task = new PeriodicTask(clock, new Logger('Calls'), {
      intervalMs: SWEEP_INTERVAL_MS,
      failure: 'call invite sweep failed; retrying next interval',
      run: async () => {
        await calls.expireDue(100);
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
