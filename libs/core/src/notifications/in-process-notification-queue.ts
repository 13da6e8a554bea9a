import { Clock } from '../shared/clock';
import {
  JobHandler,
  MAX_JOB_ATTEMPTS,
  NotificationJob,
  NotificationQueue,
  retryDelayMs,
} from './notification-queue.port';

/**
 * The embedded queue: timers on the clock, retries with backoff, one pending entry per id. Jobs
 * live in memory, so a restart forgets notifications not yet due (the embedded process is the
 * only one, and a notification after a restart would be stale anyway).
 */
export class InProcessNotificationQueue extends NotificationQueue {
  private handler: JobHandler | null = null;
  private readonly pending = new Map<string, () => void>();
  private readonly early: { id: string; job: NotificationJob; at: Date }[] = [];
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDead: (job: NotificationJob, error: unknown) => void = () => undefined,
  ) {
    super();
  }

  async enqueue(id: string, job: NotificationJob, notBefore: Date): Promise<void> {
    if (this.closed || this.pending.has(id)) return;
    if (!this.handler) {
      this.early.push({ id, job, at: notBefore });
      this.pending.set(id, () => undefined);
      return;
    }
    this.schedule(id, job, notBefore.getTime() - this.clock.now().getTime(), 1);
  }

  consume(handler: JobHandler): void {
    this.handler = handler;
    for (const { id, job, at } of this.early.splice(0)) {
      this.pending.delete(id);
      this.schedule(id, job, at.getTime() - this.clock.now().getTime(), 1);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of this.pending.values()) cancel();
    this.pending.clear();
  }

  /** Jobs waiting (tests). */
  get size(): number {
    return this.pending.size;
  }

  private schedule(id: string, job: NotificationJob, delayMs: number, attempt: number): void {
    const cancel = this.clock.setTimer(Math.max(0, delayMs), () => {
      void this.run(id, job, attempt);
    });
    this.pending.set(id, cancel);
  }

  private async run(id: string, job: NotificationJob, attempt: number): Promise<void> {
    if (this.closed || !this.handler) return;
    let result: 'DONE' | 'RETRY';
    let failure: unknown = null;
    try {
      result = await this.handler(job, attempt);
    } catch (error) {
      result = 'RETRY';
      failure = error;
    }
    if (this.closed) return;
    if (result === 'DONE') {
      this.pending.delete(id);
    } else if (attempt >= MAX_JOB_ATTEMPTS) {
      this.pending.delete(id);
      this.onDead(job, failure);
    } else {
      this.schedule(id, job, retryDelayMs(attempt), attempt + 1);
    }
  }
}
