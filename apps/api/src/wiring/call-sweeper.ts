import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AbandonedCalls, Clock, ManageCalls } from '@chatter/core';
import { PeriodicTask } from './periodic-task';

const SWEEP_INTERVAL_MS = 5_000;

/**
 * Every 5 s on each instance: expires call invites whose own timer is gone (the instance that
 * started them stopped), and ends answered calls a party left without hanging up (no connected
 * device for CALL_DISCONNECT_GRACE_SECONDS). Ending is a compare-and-set in the store, so
 * instances never record a call twice.
 */
@Injectable()
export class CallSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(calls: ManageCalls, abandoned: AbandonedCalls, clock: Clock) {
    this.task = new PeriodicTask(clock, new Logger('Calls'), {
      intervalMs: SWEEP_INTERVAL_MS,
      failure: 'call invite sweep failed; retrying next interval',
      run: async () => {
        await calls.expireDue(100);
        await abandoned.sweep();
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
