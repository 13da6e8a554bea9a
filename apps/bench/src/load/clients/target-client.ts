// The contract every protocol client implements, and helpers they share. The clients import
// this file; the factory that picks one lives in create-target-client.ts, so nothing here
// imports a client back.
import type { ChurnConfirm, ConnSpec, Endpoint } from '../ipc';

/** What a connection reports back to the worker; called on the hot path. */
export interface ConnEvents {
  /** serverSeq is Chatter's per-conversation seq; baselines pass undefined. */
  onDelivery(room: string, serverSeq: number | undefined, body: string): void;
  onResync(room: string): void;
  onSubError(code: string): void;
  onUnexpectedClose(code: number): void;
}

export interface ConnHandle {
  /** Resolves to undefined when acknowledged, or to an error label. */
  send(room: string, body: string, clientMessageId: string): Promise<string | undefined>;
  close(): void;
  terminate(): void;
}

export interface ResumeCursor {
  conversationId: string;
  afterSeq: number;
}

/** The protocol adapter: the same scenarios drive Chatter, B0 and B1 through it. */
export interface TargetClient {
  open(conn: ConnSpec, events: ConnEvents, since?: ResumeCursor[]): Promise<ConnHandle>;
  /** One connect + authenticated subscribe, confirmed as far as the protocol allows. */
  churnCycle(
    conn: ConnSpec,
    confirm: ChurnConfirm,
    cursors?: Record<string, number>,
  ): Promise<void>;
}

export function endpointOf(endpoints: Endpoint[], conn: ConnSpec): Endpoint {
  const e = endpoints[conn.endpoint % endpoints.length];
  if (!e) throw new Error('no endpoint');
  return e;
}

/** Rejects after ms unless the promise settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(label)), ms);
    }),
  ]);
}
