import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  JobHandler,
  MAX_JOB_ATTEMPTS,
  NotificationJob,
  NotificationQueue,
  retryDelayMs,
} from '@chatter/core';
import type Redis from 'ioredis';
import { RedisConnection } from './redis-connection';
import { RedisScript } from './redis-script';

export interface RedisNotificationQueueOptions {
  /** A job an instance took but did not acknowledge within this long is claimed by another. */
  ackWaitMs?: number;
  /** Jobs one instance handles at once. */
  concurrency?: number;
  /** How often due delayed jobs are moved to the stream. */
  pollMs?: number;
  onDead?: (job: NotificationJob, error: unknown) => void;
  onError?: (error: unknown) => void;
}

interface Envelope {
  id: string;
  job: NotificationJob;
  attempt: number;
}

/** Ids enqueued within this long are not enqueued again (as JetStream's duplicate window). */
const DEDUPE_MS = 120_000;
const GROUP = 'workers';

/** Moves up to ARGV[2] jobs due at ARGV[1] from the delayed set to the stream, atomically. */
const PROMOTE = new RedisScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, envelope in ipairs(due) do
  redis.call('ZREM', KEYS[1], envelope)
  redis.call('XADD', KEYS[2], '*', 'e', envelope)
end
return #due
`);

/**
 * The cluster's notification queue on Redis Streams, for clusters that run Redis (NOTIFY_QUEUE=
 * redis): a stream with one consumer group shared by every instance. A job goes to one instance
 * and is acknowledged (XACK) only after it was handled; entries a dead instance left pending are
 * claimed by another with XAUTOCLAIM once idle for `ackWaitMs`. Jobs not yet due wait in a
 * sorted set by due time and are moved to the stream when due; a retry goes back there with its
 * backoff. Enqueueing an id again within two minutes is a no-op.
 */
export class RedisNotificationQueue extends NotificationQueue {
  private readonly stream: string;
  private readonly delayed: string;
  private readonly dedupe: string;
  private readonly consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private reader: Redis | null = null;
  private closed = false;
  private readonly running = new Set<Promise<void>>();
  /** Stream entries being handled here, kept claimed while they run. */
  private readonly held = new Set<string>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly connection: RedisConnection,
    private readonly options: RedisNotificationQueueOptions = {},
  ) {
    super();
    const prefix = `${connection.keyPrefix}notify:`;
    this.stream = `${prefix}jobs`;
    this.delayed = `${prefix}delayed`;
    this.dedupe = `${prefix}id:`;
  }

  private get ackWaitMs(): number {
    return this.options.ackWaitMs ?? 30_000;
  }

  async enqueue(id: string, job: NotificationJob, notBefore: Date): Promise<void> {
    const fresh = await this.connection.client.set(this.dedupe + id, '1', 'PX', DEDUPE_MS, 'NX');
    if (fresh !== 'OK') return;
    await this.schedule({ id, job, attempt: 1 }, notBefore.getTime());
  }

  private async schedule(envelope: Envelope, at: number): Promise<void> {
    const body = JSON.stringify(envelope);
    if (at <= Date.now()) await this.connection.client.xadd(this.stream, '*', 'e', body);
    // The attempt and a random tag keep equal envelopes apart in the set.
    else
      await this.connection.client.zadd(
        this.delayed,
        at,
        JSON.stringify({ ...envelope, tag: randomBytes(4).toString('hex') }),
      );
  }

  consume(handler: JobHandler): void {
    void this.start(handler).catch((error: unknown) => {
      if (!this.closed) this.options.onError?.(error);
    });
  }

  private async start(handler: JobHandler): Promise<void> {
    try {
      await this.connection.client.xgroup('CREATE', this.stream, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
    this.reader = await this.connection.createSubscriber();
    const every = (ms: number, run: () => Promise<unknown>) => {
      const timer = setInterval(() => {
        run().catch((error: unknown) => {
          if (!this.closed) this.options.onError?.(error);
        });
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.pollMs ?? 500, () =>
      PROMOTE.run(this.connection.client, [this.delayed, this.stream], [Date.now(), 100]),
    );
    every(Math.max(500, Math.floor(this.ackWaitMs / 2)), () => this.claimAbandoned(handler));
    every(Math.max(200, Math.floor(this.ackWaitMs / 3)), () => this.keepHeld());
    void this.readLoop(handler);
  }

  private async readLoop(handler: JobHandler): Promise<void> {
    const concurrency = this.options.concurrency ?? 8;
    while (!this.closed) {
      try {
        if (this.running.size >= concurrency) {
          await Promise.race(this.running);
          continue;
        }
        const reply = (await this.reader!.xreadgroup(
          'GROUP',
          GROUP,
          this.consumer,
          'COUNT',
          concurrency - this.running.size,
          'BLOCK',
          1000,
          'STREAMS',
          this.stream,
          '>',
        )) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? [])
          for (const entry of entries) this.run(entry, handler);
      } catch (error) {
        if (this.closed) return;
        this.options.onError?.(error);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Takes over entries another consumer left unacknowledged for longer than ackWaitMs. */
  private async claimAbandoned(handler: JobHandler): Promise<void> {
    if (this.closed) return;
    const reply = (await this.connection.client.xautoclaim(
      this.stream,
      GROUP,
      this.consumer,
      this.ackWaitMs,
      '0-0',
      'COUNT',
      50,
    )) as [string, [string, string[] | null][]];
    for (const entry of reply[1] ?? []) if (entry[1]) this.run([entry[0], entry[1]], handler);
  }

  /** Resets the idle time of entries still being handled here, so nobody claims them. */
  private async keepHeld(): Promise<void> {
    if (this.closed || this.held.size === 0) return;
    await this.connection.client.xclaim(
      this.stream,
      GROUP,
      this.consumer,
      0,
      ...this.held,
      'JUSTID',
    );
  }

  private run([entryId, fields]: [string, string[]], handler: JobHandler): void {
    if (this.held.has(entryId)) return;
    this.held.add(entryId);
    const task = this.handle(entryId, fields, handler).finally(() => {
      this.running.delete(task);
      this.held.delete(entryId);
    });
    this.running.add(task);
  }

  private async handle(entryId: string, fields: string[], handler: JobHandler): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(fields[fields.indexOf('e') + 1] ?? '') as Envelope;
    } catch (error) {
      this.options.onError?.(error);
      await this.ack(entryId);
      return;
    }
    let result: 'DONE' | 'RETRY';
    let failure: unknown = null;
    try {
      result = await handler(envelope.job, envelope.attempt);
    } catch (error) {
      result = 'RETRY';
      failure = error;
    }
    try {
      await this.settle(entryId, envelope, result, failure);
    } catch (error) {
      // Left pending: another instance claims it after ackWaitMs (the ledger stops a repeat).
      this.options.onError?.(error);
    }
  }

  private async settle(
    entryId: string,
    envelope: Envelope,
    result: 'DONE' | 'RETRY',
    failure: unknown,
  ): Promise<void> {
    if (result === 'RETRY') {
      if (envelope.attempt >= MAX_JOB_ATTEMPTS) this.options.onDead?.(envelope.job, failure);
      else
        await this.schedule(
          { id: envelope.id, job: envelope.job, attempt: envelope.attempt + 1 },
          Date.now() + retryDelayMs(envelope.attempt),
        );
    }
    await this.ack(entryId);
  }

  private async ack(entryId: string): Promise<void> {
    await this.connection.client.xack(this.stream, GROUP, entryId);
    await this.connection.client.xdel(this.stream, entryId);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    // Jobs being handled finish (their results are dropped; they are claimed elsewhere).
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((r) => setTimeout(r, 5_000)),
    ]);
    this.reader?.disconnect();
  }
}
