import { ChatStream, StreamItem } from '@chatter/core';

/** Beyond this many undelivered items a subscriber is too slow: it must resume with cursors. */
export const MAX_PENDING_ITEMS = 10_000;

/** Where a stream's items go once a subscription's lane consumes it (subscription-lane.ts). */
export interface StreamSink {
  accept(item: StreamItem): void;
}

/**
 * What the `chatEvents` resolver returns: a push-based ChatStream as the AsyncIterator GraphQL's
 * subscribe contract asks for. Items wait in a bounded queue (overflowing it ends the stream with
 * a `close` item, 4013, slow consumer) until a reader pulls them or until the subscription's lane
 * attaches (subscription-lane.ts): from then on every item is handed to it as it comes.
 */
export class StreamIterator implements AsyncIterableIterator<StreamItem> {
  private readonly items: StreamItem[] = [];
  private waiting: ((result: IteratorResult<StreamItem>) => void) | null = null;
  private sink: StreamSink | null = null;
  private done = false;
  stream: ChatStream | null = null;

  push = (item: StreamItem): void => {
    if (this.done) return;
    if (this.sink) {
      this.sink.accept(item);
      return;
    }
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= MAX_PENDING_ITEMS) {
      this.items.length = 0;
      this.items.push({ kind: 'close', code: 4013, reason: 'Slow consumer: resume with cursors' });
      void this.stream?.stop();
      return;
    }
    this.items.push(item);
  };

  /** Hands every queued item, then each later one, to `sink` instead of a reader. */
  attach(sink: StreamSink): void {
    if (this.sink || this.waiting) throw new Error('a stream has one consumer');
    this.sink = sink;
    const queued = this.items.splice(0);
    for (const item of queued) {
      if (this.done) return;
      sink.accept(item);
    }
  }

  next(): Promise<IteratorResult<StreamItem>> {
    if (this.sink) return Promise.reject(new Error('this stream is consumed by its lane'));
    const item = this.items.shift();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<StreamItem>> {
    this.done = true;
    this.items.length = 0;
    await this.stream?.stop();
    if (this.waiting) {
      this.waiting({ value: undefined, done: true });
      this.waiting = null;
    }
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<StreamItem>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
