import { CloseCode } from 'graphql-ws';
import type { Authenticated, PresenceService } from '@chatter/core';
import type { SocketState } from './socket-state';

export interface SocketRegistryOptions {
  /** A peer that does not answer a ping within this interval is dropped. */
  keepAliveMs: number;
  /** Presence entries live this long without a heartbeat. */
  presenceTtlMs: number;
}

export interface SocketRegistryLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * The open sockets of this instance and their timers: keep-alive pings, presence heartbeats and
 * token expiry, all driven by one short tick instead of three timers per socket, plus the
 * presence sweeper. Hooks that act on open sockets (closing a user's or a session's sockets,
 * per-user caps) read and close them here.
 */
export class SocketRegistry {
  private readonly states = new Set<SocketState>();
  private sweeper: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    private readonly presence: PresenceService,
    private readonly options: SocketRegistryOptions,
    private readonly logger: SocketRegistryLogger,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.states.size;
  }

  get heartbeatEveryMs(): number {
    return Math.max(1_000, this.options.presenceTtlMs / 3);
  }

  /** Every open socket (a snapshot: closing sockets while iterating is fine). */
  sockets(): SocketState[] {
    return [...this.states];
  }

  /** Closes every open socket for which `which` holds; returns how many. */
  closeWhere(which: (state: SocketState) => boolean, code: number, reason: string): number {
    let closed = 0;
    for (const state of this.sockets()) {
      if (!which(state)) continue;
      state.socket.close(code, reason);
      closed++;
    }
    return closed;
  }

  opened(state: SocketState): void {
    this.states.add(state);
  }

  /** connection_init succeeded: presence begins, and the socket lives no longer than its token. */
  async authenticated(state: SocketState, actor: Authenticated): Promise<void> {
    state.actor = actor;
    state.expiresAt = actor.expiresAt.getTime();
    await this.presence
      .connected(actor, state.id)
      .catch((err: unknown) => this.logger.warn({ err }, 'presence connect failed'));
    state.nextHeartbeatAt = this.now() + this.heartbeatEveryMs;
  }

  closed(state: SocketState): void {
    this.states.delete(state);
    const actor = state.actor;
    if (actor) {
      this.presence
        .disconnected(actor, state.id)
        .catch((err: unknown) => this.logger.warn({ err }, 'presence disconnect failed'));
    }
  }

  start(): void {
    const sweepEvery = Math.max(1_000, Math.min(5_000, this.options.presenceTtlMs / 3));
    this.sweeper = setInterval(() => {
      this.presence
        .sweep()
        .catch((err: unknown) => this.logger.warn({ err }, 'presence sweep failed'));
    }, sweepEvery);
    this.sweeper.unref();
    // Short ticks keep each one's burst of pings and heartbeats small (idle event-loop delay).
    const tickEvery = Math.max(
      20,
      Math.min(100, this.heartbeatEveryMs / 2, this.options.keepAliveMs / 2),
    );
    this.ticker = setInterval(() => this.tick(), tickEvery);
    this.ticker.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.ticker) clearInterval(this.ticker);
    this.sweeper = this.ticker = null;
  }

  /**
   * Checks each socket's due times once. Due times start at each socket's own connect time, so
   * the work spreads over the interval.
   */
  tick(now = this.now()): void {
    for (const state of this.states) {
      const ws = state.socket;
      if (now >= state.expiresAt) {
        state.expiresAt = Number.POSITIVE_INFINITY;
        ws.close(CloseCode.Forbidden, 'Forbidden: token expired');
        continue;
      }
      if (now >= state.nextPingAt) {
        state.nextPingAt = now + this.options.keepAliveMs;
        if (!state.alive) {
          ws.terminate();
          continue;
        }
        state.alive = false;
        if (ws.readyState === ws.OPEN) ws.ping();
      }
      if (now >= state.nextHeartbeatAt && state.actor) {
        state.nextHeartbeatAt = now + this.heartbeatEveryMs;
        this.presence
          .heartbeat(state.actor, state.id)
          .catch((err: unknown) => this.logger.warn({ err }, 'presence heartbeat failed'));
      }
    }
  }

  /**
   * Closes every socket with 1001 so clients reconnect elsewhere, spread evenly over `spreadMs`
   * (socket i of n at i/n of it) so a rollout does not send every client of the pod back at
   * once, which would trip the per-address connection limits of the pods that remain; terminates
   * what is left after `graceMs` (counted from the start, so `spreadMs` must be shorter).
   */
  async drain(graceMs = 2_000, spreadMs = 0): Promise<void> {
    this.stop();
    const started = Date.now();
    const deadline = started + graceMs;
    const spread = Math.max(0, Math.min(spreadMs, graceMs));
    const order = this.sockets();
    for (let i = 0; i < order.length; i++) {
      const due = started + (order.length > 1 ? (spread * i) / order.length : 0);
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const state = order[i]!;
      // A socket that went away by itself meanwhile needs no close frame.
      if (this.states.has(state)) state.socket.close(1001, 'Server shutting down');
    }
    while (this.states.size > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    for (const state of this.sockets()) state.socket.terminate();
  }
}
