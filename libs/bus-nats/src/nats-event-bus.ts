import {
  BUS_SENT_AT_HEADER,
  BusHopObserver,
  DomainError,
  EventBus,
  busClockMs,
  formatSentAt,
  hopSeconds,
  invalid,
  isValidTopic,
  parseSentAt,
} from '@chatter/core';
import {
  ConnectionOptions,
  Events,
  Msg,
  NatsConnection,
  Subscription,
  connect,
  headers,
} from 'nats';

export interface NatsEventBusOptions {
  /** Connection name shown by the server (`chatter-api-<host>`…). */
  name?: string;
  /** Receives errors thrown by handlers and asynchronous subscription errors. */
  onError?: (error: unknown, topic: string) => void;
  /** Reconnect backoff bounds; the wait grows with the length of the outage. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Client ping interval: how soon a silently dead server is noticed. */
  pingIntervalMs?: number;
  /** Longest wait in subscribe() for the server to confirm a SUB (default 2 s). */
  subscribeConfirmMs?: number;
  /**
   * Receives the hop of each message received (publish on any instance → delivery here, in
   * seconds), from the publish time the publisher put in a header (see bus-envelope).
   */
  onHop?: BusHopObserver;
  /**
   * Credentials of this deployment's NATS user. `user:password@` in a server URL works too
   * (these options win); the URLs are passed on without it, so they never reach a log.
   */
  user?: string;
  password?: string;
  /** Require TLS (also implied by tls:// servers); `tlsCaFile`: PEM of the servers' CA. */
  tls?: boolean;
  tlsCaFile?: string;
}

/** Splits `user:password@` off server URLs (the first that has it gives the credentials). */
export function natsServersAndCredentials(url: string): {
  servers: string[];
  user?: string;
  password?: string;
  tls: boolean;
} {
  let user: string | undefined;
  let password: string | undefined;
  let tls = false;
  const servers = url.split(',').map((raw) => {
    const server = raw.trim();
    if (/^tls:\/\//i.test(server)) tls = true;
    if (!/^(nats|tls):\/\//i.test(server)) return server;
    const parsed = new URL(server);
    if (parsed.username && user === undefined) {
      user = decodeURIComponent(parsed.username);
      password = decodeURIComponent(parsed.password);
    }
    return `${parsed.protocol}//${parsed.host}`;
  });
  return { servers, user, password, tls };
}

interface LocalHandler {
  handler: (payload: string) => void;
  active: boolean;
}

interface TopicEntry {
  upstream: Subscription;
  handlers: Set<LocalHandler>;
}

const defaultOnError = (error: unknown, topic: string): void => {
  console.error(`[NatsEventBus] ${topic}:`, error);
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * EventBus over NATS core pub/sub (at-most-once). Subjects are the topic strings. One upstream
 * subscription per topic however many local handlers, dropped when the last handler leaves. The
 * client reconnects forever; subscriptions are restored by the client on reconnect.
 */
export class NatsEventBus extends EventBus {
  private readonly topics = new Map<string, TopicEntry>();
  private readonly listeners = new Set<(connected: boolean) => void>();
  private readonly onError: (error: unknown, topic: string) => void;
  private connected = true;
  /** Bumped on each status change, so a late reconnect confirmation cannot override a newer loss. */
  private generation = 0;
  private closing = false;
  private readonly confirmMs: number;
  private readonly onHop?: BusHopObserver;

  /** Use {@link NatsEventBus.connect}; this constructor takes over an open connection. */
  constructor(
    private readonly nc: NatsConnection,
    options: Pick<NatsEventBusOptions, 'onError' | 'subscribeConfirmMs' | 'onHop'> = {},
  ) {
    super();
    this.onError = options.onError ?? defaultOnError;
    this.confirmMs = options.subscribeConfirmMs ?? 2_000;
    this.onHop = options.onHop;
    void this.watchStatus();
    void nc.closed().then(() => this.setConnected(false));
  }

  /** Connects to `url` (comma-separated for a cluster) and returns a bus owning the connection. */
  static async connect(url: string, options: NatsEventBusOptions = {}): Promise<NatsEventBus> {
    const min = options.reconnectMinMs ?? 100;
    const max = options.reconnectMaxMs ?? 5000;
    const outage = { since: 0 };
    const parsed = natsServersAndCredentials(url);
    const user = options.user ?? parsed.user;
    const pass = options.user !== undefined ? options.password : parsed.password;
    const tls = options.tls || parsed.tls || options.tlsCaFile !== undefined;
    const connectionOptions: ConnectionOptions = {
      servers: parsed.servers,
      ...(user !== undefined ? { user, pass } : {}),
      ...(tls ? { tls: options.tlsCaFile ? { caFile: options.tlsCaFile } : {} } : {}),
      name: options.name ?? 'chatter',
      reconnect: true,
      maxReconnectAttempts: -1,
      // A server whose packets vanish (no reset) is noticed within 10 to 15 s, then dialled again.
      pingInterval: options.pingIntervalMs ?? 5_000,
      maxPingOut: 2,
      // Called on every dial-loop turn: waiting about half the outage so far gives an
      // exponential-like backoff without counting attempts; jitter spreads a fleet's reconnects.
      reconnectDelayHandler: () => {
        if (outage.since === 0) outage.since = Date.now();
        const wait = Math.min(max, Math.max(min, (Date.now() - outage.since) / 2));
        return Math.round(wait * (1 + Math.random() * 0.2));
      },
    };
    let nc: NatsConnection;
    try {
      nc = await connect(connectionOptions);
    } catch (error) {
      throw new DomainError(
        'UNAVAILABLE',
        `cannot connect to NATS at ${parsed.servers.join(',')}: ${(error as Error).message}`,
      );
    }
    const bus = new NatsEventBus(nc, options);
    bus.onConnectionChange((up) => {
      if (up) outage.since = 0;
    });
    return bus;
  }

  async publish(topic: string, payload: string): Promise<void> {
    this.assertUsable(topic);
    try {
      // While reconnecting, the client buffers (bounded); the bus is at-most-once anyway.
      // The publish time rides in a header (a server without header support gets none).
      if (this.nc.info?.headers === false) this.nc.publish(topic, encoder.encode(payload));
      else {
        const h = headers();
        h.set(BUS_SENT_AT_HEADER, formatSentAt(busClockMs()));
        this.nc.publish(topic, encoder.encode(payload), { headers: h });
      }
    } catch (error) {
      throw new DomainError('UNAVAILABLE', `NATS publish failed: ${(error as Error).message}`);
    }
  }

  /**
   * Registers interest at once and never fails for a connection problem: while NATS is away the
   * client keeps the SUB and sends it again on reconnect, after which "connected" is reported
   * (see watchStatus), so a consumer that catches up from the store on that signal misses
   * nothing. When connected, waits (at most `confirmMs`) for the server to confirm the SUB.
   */
  async subscribe(topic: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    this.assertUsable(topic);
    let entry = this.topics.get(topic);
    if (!entry) {
      const handlers = new Set<LocalHandler>();
      let upstream: Subscription;
      try {
        upstream = this.nc.subscribe(topic, {
          callback: (err, msg) => {
            if (err) return this.onError(err, topic);
            this.observeHop(msg);
            const payload = decoder.decode(msg.data);
            for (const local of [...handlers]) {
              if (!local.active) continue;
              try {
                local.handler(payload);
              } catch (error) {
                this.onError(error, topic);
              }
            }
          },
        });
      } catch (error) {
        // Only a closed connection refuses a SUB (the client queues it while reconnecting).
        throw new DomainError('UNAVAILABLE', `NATS subscribe failed: ${(error as Error).message}`);
      }
      entry = { upstream, handlers };
      this.topics.set(topic, entry);
    }
    const local: LocalHandler = { handler, active: true };
    entry.handlers.add(local);
    const unsubscribe = async () => this.remove(topic, local);
    if (this.connected) await this.confirm();
    return unsubscribe;
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Waits until a PING sent after our SUBs is answered (then they are active on the server), at
   * most `confirmMs`. A failure or a timeout is no error: either the connection is lost (the
   * reconnect re-sends the SUBs, then reports "connected") or it is slow (the SUB arrives later).
   */
  private async confirm(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.confirmMs);
      timer.unref?.();
    });
    const flushed = this.nc.flush().then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([flushed, timeout]);
    clearTimeout(timer);
  }

  async isReady(): Promise<boolean> {
    return this.connected && !this.closing && !this.nc.isClosed();
  }

  /** Topics with an upstream subscription (for metrics and tests). */
  subscribedTopics(): string[] {
    return [...this.topics.keys()];
  }

  /** Drains (delivers what already arrived, then closes); closes at once when the server is away. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.listeners.clear();
    for (const entry of this.topics.values())
      for (const local of entry.handlers) local.active = false;
    this.topics.clear();
    if (this.nc.isClosed()) return;
    if (!this.connected) return void (await this.nc.close());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), 5000)),
    );
    const drained = this.nc.drain().then(
      () => 'drained' as const,
      () => 'failed' as const,
    );
    const outcome = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    if (outcome !== 'drained' && !this.nc.isClosed()) await this.nc.close();
  }

  /** Reports the hop of a message that carries its publish time (older publishers send none). */
  private observeHop(msg: Msg): void {
    if (!this.onHop || !msg.headers) return;
    const seconds = hopSeconds(parseSentAt(msg.headers.get(BUS_SENT_AT_HEADER)));
    if (seconds === undefined) return;
    try {
      this.onHop(seconds);
    } catch (error) {
      this.onError(error, '(hop observer)');
    }
  }

  private remove(topic: string, local: LocalHandler): void {
    if (!local.active) return;
    local.active = false;
    const entry = this.topics.get(topic);
    if (!entry) return;
    entry.handlers.delete(local);
    if (entry.handlers.size === 0) {
      this.topics.delete(topic);
      if (!this.nc.isClosed()) entry.upstream.unsubscribe();
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) {
        this.generation++;
        this.setConnected(false);
      } else if (status.type === Events.Reconnect) {
        // The client re-sent our SUBs before this event; once the server answers a PING sent
        // after them, "connected again" means live delivery has resumed.
        const generation = ++this.generation;
        this.nc.flush().then(
          () => generation === this.generation && this.setConnected(true),
          () => undefined, // lost again or closed: the next status decides
        );
      }
    }
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
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

  private assertUsable(topic: string): void {
    if (this.closing || this.nc.isClosed())
      throw new DomainError('UNAVAILABLE', 'event bus is closed');
    if (!isValidTopic(topic))
      throw invalid('topic', `invalid topic: ${JSON.stringify(topic.slice(0, 80))}`);
  }
}
