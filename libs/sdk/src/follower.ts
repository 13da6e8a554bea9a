import type { Client } from 'graphql-ws';
import {
  ChatEventsDocument,
  ConversationDocument,
  ConversationsDocument,
  MessagesDocument,
  type ChatEventsSubscription,
  type ConversationFieldsFragment,
} from '@chatter/client';
import { backoffDelay } from './backoff';
import type { CursorStorage } from './cursor-storage';
import { ChatterError } from './errors';
import { documentText, type GraphqlHttp } from './graphql-http';
import { persistedQueryExtensions } from './persisted';
import { SeqTracker } from './seq-tracker';
import {
  loggedPosition,
  type FollowHandlers,
  type MessageAddedEvent,
  type StreamEvent,
} from './stream-events';

const GAP_PAGE = 50;
const LIST_PAGE = 50;

export interface FollowOptions {
  /**
   * Skip listing the caller's conversations at start: the application has fetched them itself
   * and passed them to `client.seed()`. Conversations neither stored nor seeded are followed
   * from their first event.
   */
  seeded?: boolean;
}

export interface FollowerDeps {
  http: GraphqlHttp;
  socket: () => Client;
  storage: CursorStorage;
  myUserId: () => Promise<string>;
  /** The token the socket authenticated with was refused. */
  onUnauthenticated: () => void;
}

/**
 * Follows every conversation of the caller through one `chatEvents` subscription: resumes from
 * the stored cursors on every (re)subscribe, fills holes from the history, turns ResyncRequired
 * into the `resync` callback, and saves the cursors after each handled event.
 */
export class Follower {
  readonly tracker = new SeqTracker();
  private queue: Promise<void> = Promise.resolve();
  private dispose: (() => void) | undefined;
  private stopped = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deps: FollowerDeps,
    private readonly handlers: FollowHandlers,
  ) {}

  private seeded = false;

  async start(options: FollowOptions = {}): Promise<void> {
    this.seeded = options.seeded === true;
    const stored = await this.deps.storage.load();
    for (const [id, seq] of Object.entries(stored)) this.tracker.reset(id, seq);
    if (options.seeded) {
      await this.save();
      this.subscribe();
      return;
    }
    // Conversations without a stored cursor start at their lastSeq as listed now: what is
    // written from here on is delivered, even before the subscription is running.
    for (const c of await this.listConversations()) this.tracker.seed(c.id, c.lastSeq);
    await this.save();
    this.subscribe();
  }

  /**
   * The socket (re)connected. The server replays only conversations the subscription names a
   * cursor for: one the caller joined while no subscription was registered (between the listing
   * and the first subscribe, or while disconnected) would be missed whole. So the conversations
   * are listed again, and each one without a cursor is followed from its beginning (repeats are
   * skipped as always), with a fresh subscription. Not in seeded mode: there the application
   * lists and seeds conversations itself.
   */
  connected(): void {
    if (this.seeded || this.stopped) return;
    this.enqueue(async () => {
      const fresh = (await this.listConversations()).filter(
        (c) => this.tracker.get(c.id) === undefined,
      );
      if (fresh.length === 0 || this.stopped) return;
      for (const c of fresh) this.tracker.seed(c.id, 0);
      await this.save();
      this.dispose?.();
      this.subscribe();
    });
  }

  private async listConversations(): Promise<{ id: string; lastSeq: number }[]> {
    const all: { id: string; lastSeq: number }[] = [];
    let after: string | null | undefined;
    do {
      const data = await this.deps.http.request(ConversationsDocument, {
        first: LIST_PAGE,
        after,
      });
      for (const edge of data.conversations.edges) all.push(edge.node);
      after = data.conversations.pageInfo.hasNextPage
        ? data.conversations.pageInfo.endCursor
        : null;
    } while (after);
    return all;
  }

  /** Stops following; resolves once the event being handled is done and the cursors are saved. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.dispose?.();
    this.dispose = undefined;
    await this.queue;
    await this.save();
  }

  /** The subscribe payload: graphql-ws sends this object again on each reconnect, and the getter
   *  makes it carry the cursors as they are then. */
  private payload() {
    const tracker = this.tracker;
    return {
      query: documentText(ChatEventsDocument),
      operationName: 'ChatEvents',
      extensions: persistedQueryExtensions(ChatEventsDocument),
      get variables() {
        return { since: tracker.cursors() };
      },
    };
  }

  private subscribe(): void {
    if (this.stopped) return;
    this.dispose = this.deps.socket().subscribe<ChatEventsSubscription>(this.payload(), {
      next: (result) => {
        this.failures = 0;
        const event = result.data?.chatEvents;
        if (event) this.enqueue(() => this.handle(event));
      },
      error: (error) => {
        // A GraphQL refusal ends the subscription (a socket failure is retried by graphql-ws).
        const code = Array.isArray(error)
          ? (error[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code
          : undefined;
        if (code === 'UNAUTHENTICATED') this.deps.onUnauthenticated();
        if (this.stopped) return;
        const delay = backoffDelay(this.failures++, { baseMs: 500, maxMs: 30_000 });
        this.retryTimer = setTimeout(() => this.subscribe(), delay);
      },
      complete: () => undefined,
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => this.report(error));
  }

  private report(error: unknown): void {
    this.handlers.error?.(error);
  }

  private async call<T>(
    handler: ((event: T) => void | Promise<void>) | undefined,
    event: T,
  ): Promise<void> {
    if (!handler) return;
    try {
      await handler(event);
    } catch (error) {
      this.report(error);
    }
  }

  private async handle(event: StreamEvent): Promise<void> {
    if (this.stopped) return;
    if (event.__typename === 'ResyncRequired') {
      await this.resync(event.conversationId, event.reason);
      return;
    }
    const position = loggedPosition(event);
    if (!position) {
      await this.dispatch(event);
      return;
    }
    const { conversationId, seq } = position;
    if (event.__typename === 'MembershipChanged' && event.userId === (await this.deps.myUserId())) {
      if (event.change === 'REMOVED' || event.change === 'LEFT') {
        await this.dispatch(event);
        this.tracker.forget(conversationId);
        await this.save();
        return;
      }
      // Added (again): the conversation starts afresh at this seq.
      if (event.change === 'ADDED') this.tracker.forget(conversationId);
    }
    const verdict = this.tracker.judge(conversationId, seq);
    if (verdict.kind === 'duplicate') return;
    if (verdict.kind === 'gap') await this.fillGap(conversationId, verdict.afterSeq, seq);
    await this.dispatch(event);
    this.tracker.commit(conversationId, seq);
    await this.save();
  }

  /** Delivers the messages of a hole from the history, in seq order, before the event after it. */
  private async fillGap(conversationId: string, afterSeq: number, beforeSeq: number) {
    let after = afterSeq;
    try {
      while (after < beforeSeq - 1) {
        const data = await this.deps.http.request(MessagesDocument, {
          conversationId,
          after,
          first: Math.min(GAP_PAGE, beforeSeq - after - 1),
        });
        const nodes = data.messages.edges.map((e) => e.node).filter((m) => m.seq < beforeSeq);
        for (const message of nodes) {
          if (message.seq <= (this.tracker.get(conversationId) ?? -1)) continue;
          const added: MessageAddedEvent = {
            __typename: 'MessageAdded',
            seq: message.seq,
            message,
          };
          await this.call(this.handlers.message, added);
          this.tracker.commit(conversationId, message.seq);
          await this.save();
        }
        if (nodes.length === 0 || !data.messages.pageInfo.hasNextPage) break;
        after = nodes[nodes.length - 1]!.seq;
      }
    } catch (error) {
      // The event after the hole is still delivered; the application hears what went wrong.
      this.report(error);
    }
  }

  private async resync(conversationId: string, reason: string): Promise<void> {
    const fromSeq = this.tracker.get(conversationId);
    let conversation: ConversationFieldsFragment | null = null;
    try {
      const data = await this.deps.http.request(ConversationDocument, { id: conversationId });
      conversation = data.conversation ?? null;
    } catch (error) {
      if (!(error instanceof ChatterError && error.code === 'NOT_FOUND')) throw error;
    }
    await this.call(this.handlers.resync, { conversationId, reason, fromSeq, conversation });
    if (conversation) this.tracker.reset(conversationId, conversation.lastSeq);
    else this.tracker.forget(conversationId);
    await this.save();
  }

  private async dispatch(event: StreamEvent): Promise<void> {
    const h = this.handlers;
    switch (event.__typename) {
      case 'MessageAdded':
        return this.call(h.message, event);
      case 'MessageUpdated':
        return this.call(h.messageUpdated, event);
      case 'MembershipChanged':
        return this.call(h.membership, event);
      case 'ConversationChanged':
        return this.call(h.conversation, event);
      case 'ReadReceipt':
        return this.call(h.receipt, event);
      case 'TypingChanged':
        return this.call(h.typing, event);
      case 'PresenceChanged':
        return this.call(h.presence, event);
      case 'DeliveryReceipt':
        return this.call(h.delivered, event);
      case 'AttachmentUpdated':
        return this.call(h.attachment, event);
      case 'CallSignal':
        return this.call(h.call, event);
      case 'MessagesExpired':
        return this.call(h.expired, event);
      case 'ReportResolved':
        return this.call(h.reportResolved, event);
      case 'ThreadStateChanged':
        return this.call(h.threadState, event);
      case 'ResyncRequired':
        return;
    }
  }

  private async save(): Promise<void> {
    try {
      await this.deps.storage.save(this.tracker.toJSON());
    } catch (error) {
      this.report(error);
    }
  }
}
