import { CloseCode } from 'graphql-ws';
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
  error(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Puts graphql-ws's frames on a socket: assembles shared frames (shared-frames.ts), applies
 * backpressure (a socket that stays over its buffer budget is closed with 4013 so the client
 * resumes with cursors instead of the server buffering without bound), and batches the frames
 * of one tick into one write.
 */
export class FrameSender {
  constructor(
    private readonly options: FrameSenderOptions,
    private readonly logger: FrameSenderLogger,
    private readonly now: () => number = Date.now,
  ) {}

  send(state: SocketState, data: string): Promise<void> {
    const ws = state.socket;
    let frame: string;
    try {
      frame = state.frames.assemble(data);
    } catch (err) {
      this.logger.error({ err, socket: state.id }, 'could not assemble a frame');
      ws.close(CloseCode.InternalServerError, 'Internal server error');
      return Promise.resolve();
    }
    if (ws.readyState !== ws.OPEN) return Promise.resolve();
    const now = this.now();
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
        return Promise.resolve();
      }
    } else {
      state.slowSince = null;
    }
    // Frames sent to one socket in the same tick (a replay, a burst) leave in one write.
    if (!state.corked) {
      state.corked = true;
      state.raw.cork();
      process.nextTick(uncork, state);
    }
    // Resolve without waiting for the write: graphql-ws awaits each send, and waiting would stall
    // a stuck socket's streams after one frame, so bufferedAmount would never reach the limit.
    ws.send(frame);
    return Promise.resolve();
  }
}

function uncork(state: SocketState): void {
  state.corked = false;
  state.raw.uncork();
}
