import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { newSocketState, SocketState } from '../socket-state';

/** A stand-in for a `ws` WebSocket and its TCP socket that records what the gateway does to them. */
export class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  protocol = 'graphql-transport-ws';
  /** Every message put on the socket, as text: through `send`, or written as a frame. */
  readonly sent: string[] = [];
  /** How many of them were written to the TCP socket as complete frames. */
  framesWritten = 0;
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
      write: (frame: Buffer) => {
        this.sent.push(textOfFrame(frame));
        this.framesWritten++;
        if (this.corkDepth > 0) this.bufferedAmount += this.bytesPerSend;
        return true;
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

/** The text of one complete, unmasked WebSocket text frame (what the gateway writes itself). */
export function textOfFrame(frame: Buffer): string {
  if (frame[0] !== 0x81) throw new Error(`not a final text frame: ${frame[0]}`);
  const marker = frame[1]!;
  if (marker & 0x80) throw new Error('a server frame is never masked');
  let length = marker;
  let at = 2;
  if (marker === 126) {
    length = frame.readUInt16BE(2);
    at = 4;
  } else if (marker === 127) {
    length = Number(frame.readBigUInt64BE(2));
    at = 10;
  }
  if (frame.length !== at + length) throw new Error('frame length does not match its header');
  return new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(at));
}
