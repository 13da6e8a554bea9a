import type { ExecutionResult } from 'graphql';
import type { StreamItem } from '@chatter/core';
import { PendingPayload, RenderedPayload } from './pending-payload';
import type { RenderItem } from './shared-renderer';
import { MAX_PENDING_ITEMS, type StreamIterator, type StreamSink } from './stream-iterator';

export interface SubscriptionLaneHooks {
  /** The item's `payload` JSON for this subscriber, null when there is nothing to deliver. */
  render(item: RenderItem): RenderedPayload;
  /**
   * Puts one `next` frame on the subscriber's socket (backpressure and batching included): its
   * text is `head` (`headBytes` long in UTF-8) + `json` + `}`.
   */
  writeNext(head: string, headBytes: number, json: string): void;
  /** The stream asked to end the connection (slow consumer, session revoked). */
  closeConnection(code: number, reason: string): void;
  /** One item's frame was written for this subscriber. */
  delivered(item: StreamItem): void;
  ended(): void;
}

interface Waiting {
  item: StreamItem;
  payload: RenderedPayload;
}

const DONE = { value: undefined, done: true } as const;

/**
 * One `chatEvents` subscription's way to its socket. The stream's items arrive in order by
 * callback; each is rendered (shared-renderer.ts) and its `next` frame written at once, made of known
 * parts — the operation id's JSON, the fixed `type`, the payload's JSON (next-frame.ts) —
 * so any text a payload holds reaches the wire byte for byte. An item whose render is still
 * running holds back the items behind it, so frames leave in the stream's order. A `close` item
 * ends the connection.
 *
 * graphql-ws sees this as the subscription's result: an iterator that yields nothing and ends
 * when the subscription does, so graphql-ws still tracks the operation (complete from the
 * client, socket closed, `complete` frame at the end) without one promise per delivery.
 */
export class SubscriptionLane implements AsyncIterableIterator<ExecutionResult>, StreamSink {
  private readonly frameHead: string;
  private readonly frameHeadBytes: number;
  // An idle subscription holds these for its whole life: the arrays, callbacks and promise below
  // are made only when needed.
  private waiting: Waiting[] | null = null;
  private finished = false;
  private failure: { error: unknown } | null = null;
  private ending: Promise<IteratorResult<ExecutionResult>> | null = null;
  private resolveEnding: ((result: IteratorResult<ExecutionResult>) => void) | null = null;
  private rejectEnding: ((error: unknown) => void) | null = null;
  private flushWhenSettled: (() => void) | null = null;

  constructor(
    operationId: string,
    private readonly source: StreamIterator,
    private readonly hooks: SubscriptionLaneHooks,
  ) {
    this.frameHead = `{"id":${JSON.stringify(operationId)},"type":"next","payload":`;
    this.frameHeadBytes = Buffer.byteLength(this.frameHead, 'utf8');
    source.attach(this);
  }

  accept(item: StreamItem): void {
    if (this.finished) return;
    if (item.kind === 'close') {
      if (!this.waiting?.length) this.close(item.code, item.reason);
      else this.waiting.push({ item, payload: null });
      return;
    }
    let payload: RenderedPayload;
    try {
      payload = this.hooks.render(item);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!this.waiting?.length && !(payload instanceof PendingPayload)) {
      this.deliver(item, payload);
      return;
    }
    const waiting = (this.waiting ??= []);
    if (waiting.length >= MAX_PENDING_ITEMS) {
      this.close(4013, 'Slow consumer: resume with cursors');
      return;
    }
    waiting.push({ item, payload });
    if (payload instanceof PendingPayload)
      payload.whenSettled((this.flushWhenSettled ??= () => this.flush()));
  }

  /** Writes the waiting items whose renders are done, in order, up to the first still running. */
  private flush(): void {
    const waiting = this.waiting;
    while (waiting && waiting.length > 0 && !this.finished) {
      const { item, payload } = waiting[0]!;
      if (item.kind === 'close') {
        this.close(item.code, item.reason);
        return;
      }
      let json: string | null;
      if (payload instanceof PendingPayload) {
        if (!payload.settled) return;
        if (payload.failed) {
          this.fail(payload.error);
          return;
        }
        json = payload.value;
      } else {
        json = payload;
      }
      waiting.shift();
      this.deliver(item, json);
    }
  }

  private deliver(item: StreamItem, json: string | null): void {
    if (json === null) return;
    this.hooks.writeNext(this.frameHead, this.frameHeadBytes, json);
    this.hooks.delivered(item);
  }

  private close(code: number, reason: string): void {
    this.hooks.closeConnection(code, reason);
    this.finish();
  }

  /** A render failed: the subscription ends with an error frame (graphql-ws sends it). */
  private fail(error: unknown): void {
    this.failure = { error };
    this.finish();
  }

  /** Ends exactly once: stops the stream and lets graphql-ws's wait end. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.waiting = null;
    this.hooks.ended();
    this.source.return().catch(() => undefined);
    this.settleEnding();
  }

  /** graphql-ws's one wait: settles when the subscription ends (rejected when a render failed). */
  next(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.ending) {
      this.ending = new Promise<IteratorResult<ExecutionResult>>((resolve, reject) => {
        this.resolveEnding = resolve;
        this.rejectEnding = reject;
      });
      if (this.finished) this.settleEnding();
    }
    return this.ending;
  }

  private settleEnding(): void {
    if (this.failure) this.rejectEnding?.(this.failure.error);
    else this.resolveEnding?.(DONE);
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
