import type { ExecutionResult } from 'graphql';
import type { StreamItem } from '@chatter/core';
import type { RenderItem } from './shared-renderer';
import type { SharedPayload } from './shared-frames';

export interface RenderedEventsHooks {
  /** Renders one item for this subscriber; null = nothing to deliver. */
  render(item: RenderItem): Promise<ExecutionResult | SharedPayload | null>;
  /** The stream asked to end the connection (slow consumer, session revoked). */
  closeConnection(code: number, reason: string): void;
  /** One item was rendered and handed to graphql-ws for this subscriber. */
  delivered(item: StreamItem): void;
  ended(): void;
}

/**
 * The iterator graphql-ws consumes for one `chatEvents` subscription: pulls stream items, renders
 * each for the subscriber, skips items with nothing to deliver, turns a `close` item into the end
 * of the connection, and ends the stream exactly once (whether it ran out, was closed or was
 * returned by graphql-ws when the socket closed).
 */
export function renderedEvents(
  items: AsyncIterator<StreamItem>,
  hooks: RenderedEventsHooks,
): AsyncIterableIterator<ExecutionResult> {
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    hooks.ended();
    await items.return?.();
  };
  const done = { value: undefined, done: true } as const;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next(): Promise<IteratorResult<ExecutionResult>> {
      for (;;) {
        const next = finished ? done : await items.next();
        if (next.done) {
          await finish();
          return done;
        }
        const item = next.value;
        if (item.kind === 'close') {
          hooks.closeConnection(item.code, item.reason);
          await finish();
          return done;
        }
        const result = await hooks.render(item);
        if (result) {
          hooks.delivered(item);
          // A SharedPayload travels through graphql-ws as the result and is framed by the socket.
          return { value: result as ExecutionResult, done: false };
        }
      }
    },
    async return(): Promise<IteratorResult<ExecutionResult>> {
      await finish();
      return done;
    },
    async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Seconds from a new message's creation to its delivery (undefined for other items). Replays of
 * older messages count too: for them it is how late the subscriber got the message.
 */
export function deliveryLagSeconds(item: StreamItem, nowMs: number): number | undefined {
  if (item.kind !== 'event' || item.event.type !== 'MESSAGE_ADDED') return undefined;
  const created = new Date(item.event.message.createdAt).getTime();
  return Number.isFinite(created) ? Math.max(0, (nowMs - created) / 1000) : undefined;
}
