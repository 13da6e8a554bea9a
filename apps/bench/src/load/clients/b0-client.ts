import WebSocket from 'ws';
import type { ChurnConfirm, ConnSpec, Endpoint } from '../ipc';
import { endpointOf, type ConnEvents, type ConnHandle, type TargetClient } from './target-client';

interface B0Message {
  type: string;
  room?: string;
  body?: string;
}

/** B0: one raw socket per client; `join` is acknowledged, sends are fire-and-forget frames. */
export class B0Client implements TargetClient {
  constructor(private readonly endpoints: Endpoint[]) {}

  private connect(
    conn: ConnSpec,
    events: ConnEvents | undefined,
    timeoutMs: number,
  ): Promise<WebSocket> {
    const url = `${endpointOf(this.endpoints, conn).wsUrl}?token=${encodeURIComponent(conn.token)}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      let ready = false;
      let closedByUs = false;
      const timer = setTimeout(() => {
        if (!ready) {
          ws.terminate();
          reject(new Error('join timeout'));
        }
      }, timeoutMs);
      const done = (): void => {
        ready = true;
        clearTimeout(timer);
        resolve(ws);
      };
      ws.on('open', () => {
        if (conn.subscribe) ws.send(JSON.stringify({ type: 'join', rooms: conn.rooms }));
        else done();
      });
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as B0Message;
        if (msg.type === 'message') events?.onDelivery(msg.room ?? '', undefined, msg.body ?? '');
        else if (msg.type === 'joined') done();
      });
      ws.on('error', (err) => {
        if (!ready) {
          clearTimeout(timer);
          reject(err);
        }
      });
      ws.on('close', (code) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`closed before join: ${code}`));
        else if (!closedByUs) events?.onUnexpectedClose(code);
      });
      ws.once('bench-closing', () => (closedByUs = true));
    });
  }

  async open(conn: ConnSpec, events: ConnEvents): Promise<ConnHandle> {
    const ws = await this.connect(conn, events, 15_000);
    return {
      send: async (room, body) => {
        if (ws.readyState !== WebSocket.OPEN) return 'SOCKET_CLOSED';
        ws.send(JSON.stringify({ type: 'send', room, body }));
        return undefined;
      },
      close: () => {
        ws.emit('bench-closing');
        ws.close(1000);
      },
      terminate: () => {
        ws.emit('bench-closing');
        ws.terminate();
      },
    };
  }

  async churnCycle(conn: ConnSpec, _confirm: ChurnConfirm): Promise<void> {
    const ws = await this.connect({ ...conn, subscribe: true }, undefined, 10_000);
    ws.emit('bench-closing');
    ws.close(1000);
  }
}
