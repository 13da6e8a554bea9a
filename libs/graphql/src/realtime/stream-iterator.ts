import { ChatStream, StreamItem } from '@chatter/core';

/** Beyond this many undelivered items a subscriber is too slow: it must resume with cursors. */
export const MAX_PENDING_ITEMS = 10_000;

/**
 * Adapts a push-based ChatStream to the AsyncIterator graphql-ws consumes. Items wait in a
 * bounded queue; overflowing it ends the stream with a `close` item (4013, slow consumer).
 */
export class StreamIterator implements AsyncIterableIterator<StreamItem> {
  private readonly items: StreamItem[] = [];
  private waiting: ((result: IteratorResult<StreamItem>) => void) | null = null;
  private done = false;
  stream: ChatStream | null = null;

  push = (item: StreamItem): void => {
    if (this.done) return;
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

  next(): Promise<IteratorResult<StreamItem>> {
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
