import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Authenticated } from '@chatter/core';

/** Everything the gateway keeps about one open socket. */
export interface SocketState {
  id: string;
  socket: WebSocket;
  /** The TCP socket under `socket`: corked while frames of one tick are queued (one write). */
  raw: Duplex;
  corked: boolean;
  actor: Authenticated | null;
  clientIp: string;
  authorization: string | null;
  /** Operations (subscriptions, queries, mutations) running on this socket. */
  operations: number;
  lastActivity: number;
  slowSince: number | null;
  /** Keep-alive: whether the peer answered the last ping, and when to ping next. */
  alive: boolean;
  nextPingAt: number;
  /** Presence heartbeat and token expiry, once connection_init succeeded. */
  nextHeartbeatAt: number;
  expiresAt: number;
}

/** What graphql-ws carries for us in `ctx.extra`. */
export type SocketExtra = { state: SocketState };

export function newSocketState(
  socket: WebSocket,
  raw: Duplex,
  clientIp: string,
  now: number,
  keepAliveMs: number,
): SocketState {
  return {
    id: randomUUID(),
    socket,
    raw,
    corked: false,
    actor: null,
    clientIp,
    authorization: null,
    operations: 0,
    lastActivity: 0,
    slowSince: null,
    alive: true,
    nextPingAt: now + keepAliveMs,
    nextHeartbeatAt: Number.POSITIVE_INFINITY,
    expiresAt: Number.POSITIVE_INFINITY,
  };
}
