import net from 'node:net';

/** How a black hole ends for the connections it swallowed. */
export type HealMode =
  /** The partition heals: everything held back is delivered, in order (TCP retransmitted it). */
  | 'release'
  /** The swallowed connections stay silent forever (their state is gone): peers must notice. */
  | 'drop';

const END = Symbol('end');
type Chunk = Buffer | typeof END;

/** One direction of a proxied connection: chunks wait for their due time, then are written in order. */
class Pipe {
  private readonly queue: { due: number; chunk: Chunk }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly link: Link,
    private readonly dest: net.Socket,
  ) {}

  push(chunk: Chunk): void {
    if (this.link.dead) return;
    this.queue.push({ due: Date.now() + this.link.proxy.latencyMs, chunk });
    this.pump();
  }

  pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.link.held || this.link.dead) return;
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0]!.due <= now) {
      const { chunk } = this.queue.shift()!;
      if (this.dest.destroyed) continue;
      if (chunk === END) this.dest.end();
      else this.dest.write(chunk);
    }
    if (this.queue.length > 0) {
      this.timer = setTimeout(() => this.pump(), this.queue[0]!.due - now);
      this.timer.unref();
    }
  }

  clear(): void {
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** A client connection and its upstream connection. */
class Link {
  /** Inside a black hole: nothing passes either way, nothing is closed. */
  held = false;
  /** Swallowed by a black hole that ended with 'drop': silent until the client gives up. */
  dead = false;
  readonly up: Pipe;
  readonly down: Pipe;

  constructor(
    readonly proxy: FaultProxy,
    readonly client: net.Socket,
    readonly upstream: net.Socket,
  ) {
    this.up = new Pipe(this, upstream);
    this.down = new Pipe(this, client);
  }

  destroy(): void {
    this.up.clear();
    this.down.clear();
    this.client.destroy();
    this.upstream.destroy();
  }
}

export interface FaultProxyStats {
  /** Connections accepted so far. */
  accepted: number;
  /** Connections open now (including silent ones). */
  open: number;
}

/**
 * A TCP proxy for fault injection between a process and a service it uses: added latency (both
 * directions, order kept), black holes (connections that stop answering, with no FIN and no
 * reset, then heal or stay dead), and resets. Listens on 127.0.0.1, on a free port.
 */
export class FaultProxy {
  /** Added one-way delay, applied to each chunk in each direction. */
  latencyMs = 0;
  private blackholed = false;
  private readonly links = new Set<Link>();
  private accepted = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Starts a proxy to `target` (a `host:port` pair). */
  static async start(target: { host?: string; port: number }): Promise<FaultProxy> {
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as net.AddressInfo).port;
    return new FaultProxy(server, port, { host: target.host ?? '127.0.0.1', port: target.port });
  }

  /** Whether a black hole is in force. */
  get inBlackHole(): boolean {
    return this.blackholed;
  }

  stats(): FaultProxyStats {
    return { accepted: this.accepted, open: this.links.size };
  }

  /** From now on, every connection (open or new) stops answering, without FIN or reset. */
  blackhole(): void {
    this.blackholed = true;
    for (const link of this.links) link.held = true;
  }

  /** Ends the black hole; `mode` says what becomes of the connections it swallowed. */
  heal(mode: HealMode): void {
    this.blackholed = false;
    for (const link of this.links) {
      if (!link.held) continue;
      link.held = false;
      if (mode === 'drop') {
        link.dead = true;
        link.up.clear();
        link.down.clear();
      } else {
        link.up.pump();
        link.down.pump();
        // The service went away meanwhile: the client learns it now, after the held data.
        if (link.upstream.destroyed) link.down.push(END);
      }
    }
  }

  /** Resets every open connection (both sides see it closed at once). */
  resetAll(): void {
    for (const link of [...this.links]) link.destroy();
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    const upstream = net.connect({ host: this.target.host, port: this.target.port });
    const link = new Link(this, client, upstream);
    link.held = this.blackholed;
    this.links.add(link);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const forget = () => {
      if (!this.links.delete(link)) return;
      link.destroy();
    };
    client.on('data', (data: Buffer) => link.up.push(data));
    upstream.on('data', (data: Buffer) => link.down.push(data));
    client.on('end', () => link.up.push(END));
    // A service that closes or dies is seen by the client only when the link still carries traffic.
    upstream.on('end', () => link.down.push(END));
    client.on('error', () => forget());
    client.on('close', () => forget());
    upstream.on('error', () => {
      if (!link.held && !link.dead) forget();
    });
    upstream.on('close', () => {
      if (!link.held && !link.dead) {
        // Let what is already queued for the client go first (with the latency), then close.
        link.down.push(END);
        setTimeout(() => forget(), this.latencyMs + 50).unref();
      }
    });
    client.resume();
  }
}
