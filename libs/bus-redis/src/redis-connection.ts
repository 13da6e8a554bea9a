import { DomainError } from '@chatter/core';
import Redis, { RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** Client name shown by `CLIENT LIST`. */
  name?: string;
  /** Prefix of every key the stores write (default `chatter:`); lets deployments share a Redis. */
  keyPrefix?: string;
  /** How long the first connection may take before `connect` gives up. */
  connectTimeoutMs?: number;
  /** Reconnect backoff bounds (exponential between them, with jitter). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Receives connection errors (the clients reconnect on their own). */
  onError?: (error: Error) => void;
  /**
   * Liveness check of each connection: a PING every `healthCheckMs` (default 5 s; 0 = off) that
   * must be answered within `healthTimeoutMs` (default 3 s), otherwise the connection is dropped
   * and opened again. A connection whose packets vanish (no reset, no FIN) is otherwise never
   * noticed: its commands and subscriptions would hang for good. With the check on, any command
   * (also the handshake of a reconnect, before the connection is ready and pinged) that gets no
   * byte back within `healthTimeoutMs` drops the connection too.
   */
  healthCheckMs?: number;
  healthTimeoutMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'chatter:';

/** Wraps a Redis failure in the domain's UNAVAILABLE error. */
export const unavailable = (what: string, error: unknown): DomainError =>
  new DomainError(
    'UNAVAILABLE',
    `Redis ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
  );

/**
 * Owns the ioredis clients of one process: a command client (also used to publish) and the
 * dedicated subscriber connections that pub/sub needs. Commands fail fast while Redis is away
 * (no offline queue, no retry of in-flight commands) so callers get UNAVAILABLE instead of a hang
 * or a double-counted INCR; the clients themselves reconnect forever. `close()` quits them all.
 */
export class RedisConnection {
  private readonly clients = new Set<Redis>();
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly options: RedisConnectionOptions,
    /** Command and publish client. */
    readonly client: Redis,
  ) {
    this.clients.add(client);
  }

  get keyPrefix(): string {
    return this.options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  /** Connects the command client; rejects with UNAVAILABLE when Redis does not answer. */
  static async connect(
    url: string,
    options: RedisConnectionOptions = {},
  ): Promise<RedisConnection> {
    const client = await RedisConnection.open(url, options, options.name ?? 'chatter');
    return new RedisConnection(url, options, client);
  }

  /** A new connection for SUBSCRIBE (a subscribed connection cannot run other commands). */
  async createSubscriber(): Promise<Redis> {
    if (this.closed) throw new DomainError('UNAVAILABLE', 'Redis connection is closed');
    const subscriber = await RedisConnection.open(
      this.url,
      this.options,
      `${this.options.name ?? 'chatter'}-sub`,
    );
    this.clients.add(subscriber);
    subscriber.once('end', () => this.clients.delete(subscriber));
    return subscriber;
  }

  /** Whether the command client is connected (no round trip). */
  isConnected(): boolean {
    return !this.closed && this.client.status === 'ready';
  }

  /** A round trip to Redis, for readiness probes. */
  async ping(): Promise<boolean> {
    if (!this.isConnected()) return false;
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.clients].map((c) => RedisConnection.quit(c)));
    this.clients.clear();
  }

  /** Sends QUIT when connected (graceful), otherwise just stops reconnecting. */
  static async quit(client: Redis): Promise<void> {
    if (client.status === 'end') return;
    if (client.status !== 'ready') return client.disconnect();
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
  }

  private static watchLiveness(client: Redis, options: RedisConnectionOptions): void {
    const every = options.healthCheckMs ?? 5_000;
    const timeoutMs = options.healthTimeoutMs ?? 3_000;
    if (every <= 0) return;
    let checking = false;
    const check = setInterval(() => {
      if (checking || client.status !== 'ready') return;
      checking = true;
      const stream = client.stream;
      const timer = setTimeout(() => {
        checking = false;
        // Still the same silent connection: drop it (ioredis destroys it if the FIN goes unanswered) and reconnect.
        if (client.status === 'ready' && client.stream === stream) {
          options.onError?.(
            new Error(`Redis did not answer a PING within ${timeoutMs} ms: reconnecting`),
          );
          client.disconnect(true);
        }
      }, timeoutMs);
      timer.unref();
      client.ping().then(
        () => {
          clearTimeout(timer);
          checking = false;
        },
        () => {
          clearTimeout(timer);
          checking = false; // the connection is already being replaced
        },
      );
    }, every);
    check.unref();
    client.once('end', () => clearInterval(check));
  }

  private static async open(
    url: string,
    options: RedisConnectionOptions,
    name: string,
  ): Promise<Redis> {
    const min = options.reconnectMinMs ?? 100;
    const max = options.reconnectMaxMs ?? 5000;
    const checked = (options.healthCheckMs ?? 5_000) > 0;
    const redisOptions: RedisOptions = {
      // The connect timeout ends when TCP connects; a handshake (CLIENT SETNAME, the ready
      // check's INFO) swallowed by a silent peer would leave the client connecting forever,
      // where the PING check, which only runs on ready connections, never looks.
      ...(checked ? { socketTimeout: options.healthTimeoutMs ?? 3_000 } : {}),
      lazyConnect: true,
      connectionName: name,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // RedisEventBus restores its channels itself, so that "connected" means "subscribed".
      autoResubscribe: false,
      retryStrategy: (attempt) =>
        Math.round(Math.min(max, min * 2 ** Math.min(attempt - 1, 16)) * (1 + Math.random() * 0.2)),
    };
    const client = new Redis(url, redisOptions);
    client.on('error', (error: Error) => options.onError?.(error));
    try {
      await client.connect();
      RedisConnection.watchLiveness(client, options);
      return client;
    } catch (error) {
      client.disconnect();
      throw unavailable(`connection to ${redactUrl(url)}`, error);
    }
  }
}

/** Keeps credentials out of error messages and logs. */
const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');
