import {
  JobHandler,
  MAX_JOB_ATTEMPTS,
  NotificationJob,
  NotificationQueue,
  retryDelayMs,
} from '@chatter/core';
import {
  AckPolicy,
  ConsumerMessages,
  JetStreamClient,
  JsMsg,
  NatsConnection,
  RetentionPolicy,
  StorageType,
  connect,
  nanos,
} from 'nats';
import { natsServersAndCredentials } from './nats-event-bus';

export interface NatsNotificationQueueOptions {
  /** Stream and durable consumer name (one per deployment). */
  stream?: string;
  /** A job not acknowledged within this long is handed to another instance. */
  ackWaitMs?: number;
  /** Jobs one instance handles at once. */
  concurrency?: number;
  onDead?: (job: NotificationJob, error: unknown) => void;
  onError?: (error: unknown) => void;
}

interface Envelope {
  id: string;
  job: NotificationJob;
  /** Epoch ms before which the job is not handled. */
  notBefore: number;
  attempt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The cluster's notification queue: a JetStream work-queue stream with one durable pull
 * consumer shared by every instance. A job goes to one instance; it is acknowledged only after
 * it was handled, so a job whose instance dies mid-send is redelivered to another after
 * `ackWaitMs`. A job not yet due is negatively acknowledged with its remaining delay; a retry is
 * published again with the next attempt number (message ids deduplicate each step).
 */
export class NatsNotificationQueue extends NotificationQueue {
  private messages: ConsumerMessages | null = null;
  private readonly stream: string;
  private closed = false;
  private inFlight = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly options: NatsNotificationQueueOptions,
  ) {
    super();
    this.stream = options.stream ?? 'CHATTER_NOTIFY';
  }

  /** Connects (its own connection, closed by close()) and creates the stream and consumer. */
  static async connect(
    url: string,
    credentials: { user?: string; password?: string; tls?: boolean; tlsCaFile?: string },
    options: NatsNotificationQueueOptions = {},
  ): Promise<NatsNotificationQueue> {
    const parsed = natsServersAndCredentials(url);
    const user = credentials.user ?? parsed.user;
    const pass = credentials.user !== undefined ? credentials.password : parsed.password;
    const tls = credentials.tls || parsed.tls || credentials.tlsCaFile !== undefined;
    const nc = await connect({
      servers: parsed.servers,
      ...(user !== undefined ? { user, pass } : {}),
      ...(tls ? { tls: credentials.tlsCaFile ? { caFile: credentials.tlsCaFile } : {} } : {}),
      name: 'chatter-notify',
      reconnect: true,
      maxReconnectAttempts: -1,
    });
    try {
      const queue = await NatsNotificationQueue.create(nc, options);
      queue.ownsConnection = true;
      return queue;
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  private ownsConnection = false;

  /** Creates (or updates) the stream and the consumer on `nc`. */
  static async create(
    nc: NatsConnection,
    options: NatsNotificationQueueOptions = {},
  ): Promise<NatsNotificationQueue> {
    const stream = options.stream ?? 'CHATTER_NOTIFY';
    const jsm = await nc.jetstreamManager();
    const config = {
      name: stream,
      subjects: [`${stream.toLowerCase()}.jobs`],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(120_000),
      max_age: nanos(2 * 24 * 3600_000),
    };
    try {
      await jsm.streams.info(stream);
      await jsm.streams.update(stream, config);
    } catch {
      await jsm.streams.add(config);
    }
    await jsm.consumers.add(stream, {
      durable_name: 'workers',
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      max_ack_pending: 10_000,
    });
    return new NatsNotificationQueue(nc, nc.jetstream(), options);
  }

  private get subject(): string {
    return `${this.stream.toLowerCase()}.jobs`;
  }

  async enqueue(id: string, job: NotificationJob, notBefore: Date): Promise<void> {
    await this.publish({ id, job, notBefore: notBefore.getTime(), attempt: 1 });
  }

  private async publish(envelope: Envelope): Promise<void> {
    await this.js.publish(this.subject, encoder.encode(JSON.stringify(envelope)), {
      msgID: `${envelope.id}#${envelope.attempt}`,
    });
  }

  consume(handler: JobHandler): void {
    void this.run(handler);
  }

  private async run(handler: JobHandler): Promise<void> {
    const concurrency = this.options.concurrency ?? 8;
    try {
      const consumer = await this.js.consumers.get(this.stream, 'workers');
      this.messages = await consumer.consume({ max_messages: concurrency });
      const running = new Set<Promise<void>>();
      for await (const m of this.messages) {
        // handle() reports its own failures; nothing it does may end the process.
        const task = this.handle(m, handler)
          .catch((error: unknown) => this.options.onError?.(error))
          .finally(() => running.delete(task));
        running.add(task);
        if (running.size >= concurrency) await Promise.race(running);
      }
    } catch (error) {
      if (!this.closed) this.options.onError?.(error);
    }
  }

  private async handle(m: JsMsg, handler: JobHandler): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(decoder.decode(m.data)) as Envelope;
    } catch (error) {
      this.options.onError?.(error);
      this.settle(() => m.term());
      return;
    }
    const wait = envelope.notBefore - Date.now();
    if (wait > 0) {
      this.settle(() => m.nak(Math.min(wait, 3_600_000)));
      return;
    }
    this.inFlight++;
    // Tells the server the job is alive while a slow push service answers.
    const keepAlive = setInterval(() => {
      try {
        m.working();
      } catch {
        // the connection is gone: the job is redelivered after ack_wait
      }
    }, 10_000);
    try {
      let result: 'DONE' | 'RETRY';
      let failure: unknown = null;
      try {
        result = await handler(envelope.job, envelope.attempt);
      } catch (error) {
        result = 'RETRY';
        failure = error;
      }
      if (result === 'RETRY') {
        if (envelope.attempt >= MAX_JOB_ATTEMPTS) this.options.onDead?.(envelope.job, failure);
        else
          try {
            await this.publish({
              ...envelope,
              attempt: envelope.attempt + 1,
              notBefore: Date.now() + retryDelayMs(envelope.attempt),
            });
          } catch (error) {
            // The retry could not be queued (bus down, or closing): leave this delivery unacked
            // so JetStream hands it out again, instead of losing the job.
            this.options.onError?.(error);
            this.settle(() => m.nak(retryDelayMs(envelope.attempt)));
            return;
          }
      }
      this.settle(() => m.ack());
    } finally {
      clearInterval(keepAlive);
      this.inFlight--;
    }
  }

  /** Acks or naks; on a closed connection JetStream redelivers after ack_wait anyway. */
  private settle(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (!this.closed) this.options.onError?.(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.messages?.close().catch(() => undefined);
    // Jobs being handled finish (or are redelivered elsewhere after ack_wait).
    for (let i = 0; i < 50 && this.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
    if (this.ownsConnection) await this.nc.drain().catch(() => undefined);
  }

  /** The connection (closed by its owner). */
  get connection(): NatsConnection {
    return this.nc;
  }
}
