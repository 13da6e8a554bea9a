import {
  BusHopObserver,
  DomainError,
  EventBus,
  busClockMs,
  hopSeconds,
  invalid,
  isValidTopic,
  stampPayload,
  unstampPayload,
} from '@chatter/core';
import Redis from 'ioredis';
import { RedisConnection, RedisConnectionOptions, unavailable } from './redis-connection';

export interface RedisEventBusOptions {
  /** Receives errors thrown by handlers and connection listeners. */
  onError?: (error: unknown, topic: string) => void;
  /** Longest wait in subscribe() for Redis to acknowledge a SUBSCRIBE (default 2 s). */
  subscribeConfirmMs?: number;
  /**
   * Receives the hop of each message received (publish on any instance → delivery here, in
   * seconds), from the publish time stamped into JSON-object payloads (see bus-envelope).
   */
  onHop?: BusHopObserver;
}

interface LocalHandler {
  handler: (payload: string) => void;
  active: boolean;
}

const defaultOnError = (error: unknown, topic: string): void => {
  console.error(`[RedisEventBus] ${topic}:`, error);
};

/**
 * EventBus over Redis pub/sub (at-most-once): publishes on the connection's command client and
 * listens on a dedicated subscriber connection, with one SUBSCRIBE per topic however many local
 * handlers. Built on ioredis directly rather than graphql-redis-subscriptions because the port
 * needs what that PubSub hides: awaiting the SUBSCRIBE, refcounted UNSUBSCRIBE, connection-state
 * events, and plain string payloads.
 *
 * On reconnect the bus re-subscribes its topics itself and reports "connected" only after Redis
 * acknowledged them, so a consumer that resyncs on that signal cannot miss later messages.
 */
export class RedisEventBus extends EventBus {
  private readonly topics = new Map<string, Set<LocalHandler>>();
  /** Topics whose SUBSCRIBE was sent on the current subscriber connection (commands are ordered). */
  private readonly upstream = new Set<string>();
  private readonly listeners = new Set<(connected: boolean) => void>();
  private readonly onError: (error: unknown, topic: string) => void;
  private subscriberUp = true;
  private generation = 0;
  private connected = true;
  private closing = false;
  private readonly detach: (() => void)[] = [];
  private readonly confirmMs: number;
  private readonly onHop?: BusHopObserver;

  private constructor(
    private readonly connection: RedisConnection,
    private readonly subscriber: Redis,
    options: RedisEventBusOptions,
    private readonly ownsConnection: boolean,
  ) {
    super();
    this.onError = options.onError ?? defaultOnError;
    this.confirmMs = options.subscribeConfirmMs ?? 2_000;
    this.onHop = options.onHop;
    this.listen(subscriber, 'message', (channel: string, message: string) =>
      this.dispatch(channel, message),
    );
    this.listen(subscriber, 'ready', () => void this.resubscribe());
    this.listen(subscriber, 'close', () => {
      this.generation++;
      this.upstream.clear();
      this.subscriberUp = false;
      this.update();
    });
    this.listen(connection.client, 'ready', () => this.update());
    this.listen(connection.client, 'close', () => this.update());
  }

  /** A bus on an existing connection (which the caller closes after the bus). */
  static async create(
    connection: RedisConnection,
    options: RedisEventBusOptions = {},
  ): Promise<RedisEventBus> {
    return new RedisEventBus(connection, await connection.createSubscriber(), options, false);
  }

  /** A bus with its own connection, closed with the bus. */
  static async connect(
    url: string,
    options: RedisEventBusOptions & RedisConnectionOptions = {},
  ): Promise<RedisEventBus> {
    const connection = await RedisConnection.connect(url, options);
    try {
      return new RedisEventBus(connection, await connection.createSubscriber(), options, true);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async publish(topic: string, payload: string): Promise<void> {
    this.assertUsable(topic);
    try {
      // Redis pub/sub has no headers: the publish time is stamped into the payload.
      await this.connection.client.publish(topic, stampPayload(payload, busClockMs()));
    } catch (error) {
      throw unavailable('publish', error);
    }
  }

  async subscribe(topic: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    this.assertUsable(topic);
    const local: LocalHandler = { handler, active: true };
    let handlers = this.topics.get(topic);
    if (!handlers) {
      handlers = new Set();
      this.topics.set(topic, handlers);
    }
    handlers.add(local);
    await this.ensureUpstream(topic);
    return async () => this.remove(topic, local);
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async isReady(): Promise<boolean> {
    return !this.closing && this.connected;
  }

  /** Topics with an upstream subscription (for metrics and tests). */
  subscribedTopics(): string[] {
    return [...this.topics.keys()];
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.listeners.clear();
    for (const handlers of this.topics.values()) for (const local of handlers) local.active = false;
    this.topics.clear();
    for (const off of this.detach.splice(0)) off();
    await RedisConnection.quit(this.subscriber);
    if (this.ownsConnection) await this.connection.close();
  }

  /**
   * Resolves once the topic's SUBSCRIBE is acknowledged, at most `confirmMs` later, and never
   * fails for a connection problem: while the subscriber is reconnecting the topic is only
   * recorded, and the re-subscription after the reconnect includes it before "connected" is
   * reported, so a consumer that catches up from the store on that signal misses nothing.
   */
  private async ensureUpstream(topic: string): Promise<void> {
    if (!this.subscriberUp) return;
    let command: Promise<unknown>;
    if (!this.upstream.has(topic)) {
      this.upstream.add(topic);
      command = this.subscriber.subscribe(topic);
    } else {
      // Another handler's SUBSCRIBE is in flight or done; a PING behind it confirms it.
      command = this.subscriber.ping();
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.confirmMs);
      timer.unref?.();
    });
    // A failure means the connection was lost meanwhile: the re-subscription covers the topic.
    await Promise.race([
      command.then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
    clearTimeout(timer);
  }

  private remove(topic: string, local: LocalHandler): void {
    if (!local.active) return;
    local.active = false;
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    handlers.delete(local);
    if (handlers.size > 0) return;
    this.topics.delete(topic);
    // While reconnecting, the re-subscription simply leaves the topic out.
    if (this.subscriberUp && this.upstream.delete(topic)) {
      this.subscriber.unsubscribe(topic).catch(() => undefined);
    }
  }

  /** After a (re)connect: subscribe every wanted topic, reconcile changes made meanwhile, then go up. */
  private async resubscribe(): Promise<void> {
    const generation = ++this.generation;
    try {
      for (;;) {
        const missing = [...this.topics.keys()].filter((t) => !this.upstream.has(t));
        const extra = [...this.upstream].filter((t) => !this.topics.has(t));
        if (missing.length === 0 && extra.length === 0) break;
        for (const t of missing) this.upstream.add(t);
        for (const t of extra) this.upstream.delete(t);
        await Promise.all([
          missing.length ? this.subscriber.subscribe(...missing) : undefined,
          extra.length ? this.subscriber.unsubscribe(...extra) : undefined,
        ]);
        if (generation !== this.generation) return;
      }
    } catch {
      return; // the connection dropped again; the next 'ready' starts over
    }
    if (generation !== this.generation || this.closing) return;
    this.subscriberUp = true;
    this.update();
  }

  private dispatch(topic: string, raw: string): void {
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    const { payload, sentAtMs } = unstampPayload(raw);
    this.observeHop(sentAtMs);
    for (const local of [...handlers]) {
      if (!local.active) continue;
      try {
        local.handler(payload);
      } catch (error) {
        this.onError(error, topic);
      }
    }
  }

  /** Reports the hop of a message that carried its publish time (older publishers send none). */
  private observeHop(sentAtMs: number): void {
    if (!this.onHop) return;
    const seconds = hopSeconds(sentAtMs);
    if (seconds === undefined) return;
    try {
      this.onHop(seconds);
    } catch (error) {
      this.onError(error, '(hop observer)');
    }
  }

  private update(): void {
    const connected = this.subscriberUp && this.connection.client.status === 'ready';
    if (connected === this.connected) return;
    this.connected = connected;
    if (this.closing) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(connected);
      } catch (error) {
        this.onError(error, '(connection listener)');
      }
    }
  }

  private listen(emitter: Redis, event: string, fn: (...args: never[]) => void): void {
    const handler = fn as (...args: unknown[]) => void;
    emitter.on(event, handler);
    this.detach.push(() => emitter.off(event, handler));
  }

  private assertUsable(topic: string): void {
    if (this.closing) throw new DomainError('UNAVAILABLE', 'event bus is closed');
    if (!isValidTopic(topic))
      throw invalid('topic', `invalid topic: ${JSON.stringify(topic.slice(0, 80))}`);
  }
}
