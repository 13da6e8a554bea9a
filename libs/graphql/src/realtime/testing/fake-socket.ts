import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { newSocketState, SocketState } from '../socket-state';

/** A stand-in for a `ws` WebSocket and its TCP socket that records what the gateway does to them. */
export class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  protocol = 'graphql-transport-ws';
  readonly sent: string[] = [];
  closed: { code: number; reason: string } | null = null;
  terminated = false;
  pings = 0;
  corks = 0;
  uncorks = 0;
  /** Bytes each send adds to bufferedAmount while corked (0: the fake does not count). */
  bytesPerSend = 0;
  /** Whether the kernel takes everything when the socket is uncorked (bufferedAmount back to 0). */
  kernelTakesAll = true;
  private corkDepth = 0;

  send(data: string): void {
    this.sent.push(data);
    if (this.corkDepth > 0) this.bufferedAmount += this.bytesPerSend;
  }
  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
    this.readyState = 3;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  ping(): void {
    this.pings++;
  }

  state(now = 0, keepAliveMs = 10_000, clientIp = '10.0.0.1'): SocketState {
    const raw = {
      cork: () => {
        this.corks++;
        this.corkDepth++;
      },
      uncork: () => {
        this.uncorks++;
        this.corkDepth--;
        if (this.corkDepth === 0 && this.kernelTakesAll && this.bytesPerSend > 0)
          this.bufferedAmount = 0;
      },
    } as unknown as Duplex;
    return newSocketState(this as unknown as WebSocket, raw, clientIp, now, keepAliveMs);
  }
}
