import { GRAPHQL_TRANSPORT_WS_PROTOCOL, MessageType, stringifyMessage } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * A lean graphql-transport-ws client for load generation: one socket, explicit
 * subscriptions, no retry or lazy-connect logic (the scenarios control reconnects),
 * and `next` payloads handed over raw so the hot path parses each frame once.
 */
export interface GqlWsHandlers {
  onNext(id: string, payload: unknown): void;
  onError?(id: string, errors: unknown): void;
  onComplete?(id: string): void;
  /** Called once when the socket closes after having opened (not on close()). */
  onClose?(code: number, reason: string): void;
}

export class GqlWsSocket {
  private ws: WebSocket | undefined;
  private pongWaiters: Array<() => void> = [];
  private closedByUs = false;

  constructor(
    private readonly url: string,
    private readonly connectionParams: Record<string, unknown>,
    private readonly handlers: GqlWsHandlers,
  ) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Resolves on connection_ack; rejects on close, error or timeout. */
  open(timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, GRAPHQL_TRANSPORT_WS_PROTOCOL, {
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
      });
      this.ws = ws;
      let acked = false;
      const timer = setTimeout(() => {
        if (!acked) {
          ws.terminate();
          reject(new Error('ack timeout'));
        }
      }, timeoutMs);
      ws.on('open', () =>
        ws.send(
          stringifyMessage({ type: MessageType.ConnectionInit, payload: this.connectionParams }),
        ),
      );
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as { type: string; id?: string; payload?: unknown };
        switch (msg.type) {
          case MessageType.Next:
            this.handlers.onNext(msg.id ?? '', msg.payload);
            break;
          case MessageType.ConnectionAck:
            acked = true;
            clearTimeout(timer);
            resolve();
            break;
          case MessageType.Ping:
            ws.send('{"type":"pong"}');
            break;
          case MessageType.Pong:
            this.pongWaiters.shift()?.();
            break;
          case MessageType.Error:
            this.handlers.onError?.(msg.id ?? '', msg.payload);
            break;
          case MessageType.Complete:
            this.handlers.onComplete?.(msg.id ?? '');
            break;
        }
      });
      ws.on('error', (err) => {
        if (!acked) {
          clearTimeout(timer);
          reject(err);
        }
      });
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        if (!acked) reject(new Error(`closed before ack: ${code} ${reason.toString()}`));
        else if (!this.closedByUs) this.handlers.onClose?.(code, reason.toString());
      });
    });
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.ws?.send(
      stringifyMessage({ type: MessageType.Subscribe, id, payload: { query, variables } }),
    );
  }

  /** Resolves on the next pong; the server answers pings in order. */
  ping(): Promise<void> {
    return new Promise((resolve) => {
      this.pongWaiters.push(resolve);
      this.ws?.send('{"type":"ping"}');
    });
  }

  close(code = 1000): void {
    this.closedByUs = true;
    this.ws?.close(code);
  }

  /** Drops the TCP connection without a close handshake, like a lost network. */
  terminate(): void {
    this.closedByUs = true;
    this.ws?.terminate();
  }
}
