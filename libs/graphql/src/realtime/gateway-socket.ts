import type { WebSocket as GraphqlWsSocket } from 'graphql-ws';
import { CloseCode } from 'graphql-ws';
import type { RawData, WebSocket } from 'ws';
import type { FrameSender } from './frame-sender';
import { parsedFrame } from './parsed-frame';
import type { SocketState } from './socket-state';

/** What the gateway lends each of its sockets. */
export interface GatewaySocketHost {
  readonly sender: FrameSender;
  readonly logger: {
    warn(obj: Record<string, unknown>, msg: string): void;
    error(obj: Record<string, unknown>, msg: string): void;
  };
  /** The socket closed: the gateway releases what it held (registry, limits, graphql-ws). */
  socketClosed(socket: GatewaySocket, code: number, reason: string): void;
}

const GATEWAY_SOCKET = Symbol('chatter.gatewaySocket');
type TaggedWebSocket = WebSocket & { [GATEWAY_SOCKET]?: GatewaySocket };

/**
 * One open socket as graphql-ws sees it (its `WebSocket`: protocol, send, close, onMessage), and
 * the target of the `ws` events the gateway listens to. The listeners are shared by every socket
 * (`ws` calls them with the socket as `this`) and graphql-ws calls this object's methods, so an
 * open socket costs one object here instead of a closure per event and per callback.
 */
export class GatewaySocket implements GraphqlWsSocket {
  /** graphql-ws's handler for each text frame. */
  private handler: ((data: string) => Promise<void>) | null = null;
  /** What graphql-ws's `opened` returned: ends the socket's operations once it closed. */
  endOperations: ((code: number, reason: string) => Promise<void>) | null = null;

  constructor(
    private readonly host: GatewaySocketHost,
    readonly state: SocketState,
    readonly ip: string,
  ) {}

  /** Starts listening to `state.socket`'s events. */
  listen(): void {
    const ws = this.state.socket as TaggedWebSocket;
    ws[GATEWAY_SOCKET] = this;
    ws.on('error', onError);
    // Keep-alive (see SocketRegistry.tick): a peer that does not answer a ping within the interval is dropped.
    ws.on('pong', onPong);
    ws.on('message', onMessage);
    ws.on('close', onClose); // `ws` emits it once
  }

  get protocol(): string {
    return this.state.socket.protocol;
  }

  send(data: string): Promise<void> {
    return this.host.sender.send(this.state, data);
  }

  close(code: number, reason: string): void {
    this.state.socket.close(code, reason);
  }

  onMessage(handler: (data: string) => Promise<void>): void {
    this.handler = handler;
  }

  received(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.close(CloseCode.BadRequest, 'Binary frames are not supported');
    const handler = this.handler;
    if (!handler) return;
    // graphql-ws's socket interface types frames as text; its parser takes a parsed message too.
    handler(parsedFrame(String(data)) as string).catch((err: unknown) => {
      this.host.logger.error({ err }, 'graphql-ws message handling failed');
      this.close(CloseCode.InternalServerError, 'Internal server error');
    });
  }

  failed(err: Error): void {
    this.host.logger.warn({ err }, 'websocket error');
    this.state.socket.terminate();
  }

  ended(code: number, reason: Buffer): void {
    this.handler = null;
    this.host.socketClosed(this, code, String(reason));
    this.endOperations = null;
  }
}

function onError(this: TaggedWebSocket, err: Error): void {
  this[GATEWAY_SOCKET]?.failed(err);
}

function onPong(this: TaggedWebSocket): void {
  const socket = this[GATEWAY_SOCKET];
  if (socket) socket.state.alive = true;
}

function onMessage(this: TaggedWebSocket, data: RawData, isBinary: boolean): void {
  this[GATEWAY_SOCKET]?.received(data, isBinary);
}

function onClose(this: TaggedWebSocket, code: number, reason: Buffer): void {
  this[GATEWAY_SOCKET]?.ended(code, reason);
}
