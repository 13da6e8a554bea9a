import { nextFrame, PayloadBytes } from './next-frame';
import type { SocketState } from './socket-state';

export const CLOSE_SLOW_CONSUMER = 4013;

export interface FrameSenderOptions {
  /** Above this many bytes queued on a socket, it counts as slow. */
  maxBufferedBytes: number;
  /** How long a socket may stay slow before it is closed with 4013. */
  slowConsumerMs: number;
}

export interface FrameSenderLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Puts frames on a socket: graphql-ws's own and the subscription lanes' `next` frames. Applies
 * backpressure (a socket that stays over its buffer budget is closed with 4013 so the client
 * resumes with cursors instead of the server buffering without bound) and batches writes: a
 * socket is corked from its first frame until the work that produced it is done (a microtask
 * queued then, which runs once the current callback and the promise work it started are
 * through), so the frames one piece of work makes — a replay, the fan-outs of the messages one
 * group commit wrote — leave in one write, and none waits for the rest of the loop's round.
 * (Flushing at the next check phase instead held every delivery made in a check phase — where
 * group commits run — through the whole next round of I/O.)
 */
export class FrameSender {
  /** Sockets corked since the last flush. */
  private corked: SocketState[] = [];
  private flushScheduled = false;
  private readonly payloads = new PayloadBytes();

  constructor(
    private readonly options: FrameSenderOptions,
    private readonly logger: FrameSenderLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** graphql-ws's send: resolves without waiting for the write. */
  send(state: SocketState, frame: string): Promise<void> {
    this.write(state, frame);
    // Not waiting for the write: graphql-ws awaits each send, and waiting would stall a stuck
    // socket's operations after one frame, so bufferedAmount would never reach the limit.
    return Promise.resolve();
  }

  /** Puts a frame's text on the socket (graphql-ws's frames, and anything else as text). */
  write(state: SocketState, frame: string): void {
    if (this.admit(state)) state.socket.send(frame);
  }

  /**
   * Puts a subscription's `next` frame on the socket: `head` (`{"id":…,"payload":`, `headBytes`
   * long in UTF-8), the payload's JSON, `}`. The payload is encoded once for all the recipients
   * of an event and the frame written as one buffer (next-frame.ts); the bytes on the wire are
   * those `ws.send` would have written for the same text.
   */
  writeNext(state: SocketState, head: string, headBytes: number, json: string): void {
    if (this.admit(state)) state.raw.write(nextFrame(head, headBytes, this.payloads.of(json)));
  }

  /**
   * Whether a frame may go on the socket now: open, and not a slow consumer (one over its
   * budget for too long is closed with 4013). Corks the socket for this round when it is not yet.
   */
  private admit(state: SocketState): boolean {
    const ws = state.socket;
    if (ws.readyState !== ws.OPEN) return false;
    const now = this.now();
    if (ws.bufferedAmount > this.options.maxBufferedBytes && state.corked) {
      // Over the budget may be only this round's frames, still corked here (a replay written in
      // one go): hand them to the kernel now; only what it does not take counts against the client.
      state.corked = false;
      state.raw.uncork();
    }
    if (ws.bufferedAmount > this.options.maxBufferedBytes) {
      state.slowSince ??= now;
      if (
        now - state.slowSince > this.options.slowConsumerMs ||
        ws.bufferedAmount > this.options.maxBufferedBytes * 4
      ) {
        this.logger.warn(
          {
            socket: state.id,
            clientIp: state.clientIp,
            bufferedBytes: ws.bufferedAmount,
            slowForMs: now - state.slowSince,
          },
          'closing a slow consumer (4013)',
        );
        ws.close(CLOSE_SLOW_CONSUMER, 'Slow consumer: resume with cursors');
        return false;
      }
    } else {
      state.slowSince = null;
    }
    if (!state.corked) {
      state.corked = true;
      state.raw.cork();
      this.corked.push(state);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(this.flush);
      }
    }
    return true;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const corked = this.corked;
    this.corked = [];
    for (const state of corked) {
      if (!state.corked) continue; // uncorked early (see write), corked again since or not
      state.corked = false;
      state.raw.uncork();
    }
  };
}
