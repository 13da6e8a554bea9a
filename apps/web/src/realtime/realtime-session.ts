// The one chatEvents stream of this client. It resumes from the per-conversation cursors on
// every (re)connect, so a dropped socket loses nothing and repeats nothing; holes in seq are
// filled from the store; ResyncRequired refetches only the conversation concerned.
import { print, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { ApolloClient, TypedDocumentNode } from '@apollo/client';
import { addTypenameToDocument } from '@apollo/client/utilities';
import {
  ChatEventsDocument,
  ConversationDocument,
  MarkDeliveredDocument,
  MessagesDocument,
  type ChatEventsSubscription,
} from '@chatter/client';
import type { Session } from '../auth/session';
import { applyChatEvent, type ApplyContext } from './apply-event';
import { SeqTracker } from './seq-tracker';
import { TypingStore } from './typing-store';
import { ReceiptStore } from './receipt-store';
import {
  addConversationToList,
  dropMessageList,
  hasMessageList,
  removeConversation,
  upsertMessageInList,
} from './cache-writes';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

const GAP_PAGE = 50;
const ACTIVITY_REPORT_MS = 60_000;
/** How long an operation sent over the socket waits for its answer before it counts as lost. */
export const SOCKET_OPERATION_TIMEOUT_MS = 15_000;

/** Operations sent over the socket as text, with __typename added as Apollo adds it over HTTP. */
const printed = new WeakMap<DocumentNode, string>();
function printWithTypename(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(addTypenameToDocument(document));
    printed.set(document, text);
  }
  return text;
}

/** What the socket answered for one operation; `errors` when the server refused it. */
export type SocketResult<TData> = ExecutionResult<TData>;

/** Runs a query or mutation over the open socket, or returns null when there is none. */
export interface SocketOperations {
  execute<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<SocketResult<TData>> | null;
}

export interface RealtimeOptions {
  url: string;
  session: Session;
  client: ApolloClient<unknown>;
  myUserId: string;
  viewingConversationId: () => string | null;
  onConnected?: () => void;
}

/** The subscribe payload. graphql-ws re-sends the same payload object after each reconnect:
 *  a getter makes every resubscribe carry the cursors as they are then, so the replay starts
 *  exactly where this client stopped. */
export function chatEventsPayload(tracker: SeqTracker) {
  // Apollo adds __typename to what it sends itself; this stream bypasses Apollo's links, and the
  // cache needs __typename on every object to normalize what the events carry.
  return {
    query: printWithTypename(ChatEventsDocument),
    operationName: 'ChatEvents',
    get variables() {
      return { since: tracker.cursors() };
    },
  };
}

export class RealtimeSession implements SocketOperations {
  readonly tracker = new SeqTracker();
  readonly typing = new TypingStore();
  readonly receipts = new ReceiptStore();
  private ws: Client | null = null;
  private dispose: (() => void) | null = null;
  private status: ConnectionStatus = 'connecting';
  private readonly statusListeners = new Set<() => void>();
  private readonly filling = new Set<string>();
  private readonly deliveredTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly ctx: ApplyContext;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: RealtimeOptions) {
    this.ctx = {
      cache: opts.client.cache,
      myUserId: opts.myUserId,
      tracker: this.tracker,
      typing: this.typing,
      receipts: this.receipts,
      viewingConversationId: opts.viewingConversationId,
      fillGap: (id, after, before) => void this.fillGap(id, after, before),
      fetchConversation: (id) => void this.fetchConversation(id),
      resync: (id) => void this.resync(id),
      delivered: (id, seq) => this.markDelivered(id, seq),
    };
  }

  getStatus = (): ConnectionStatus => this.status;

  /** Applies one stream event (the socket's handler; also the seam for tests). */
  apply(event: ChatEventsSubscription['chatEvents']): void {
    applyChatEvent(this.ctx, event);
  }

  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  /** Conversations fetched later (next page, new chat) resume from their fetched lastSeq. */
  seed(seeds: { id: string; lastSeq: number }[]): void {
    for (const s of seeds) this.tracker.seed(s.id, s.lastSeq);
  }

  /** Starts streaming; the conversations already fetched become the resume cursors. */
  start(seeds: { id: string; lastSeq: number }[]): void {
    for (const s of seeds) this.tracker.seed(s.id, s.lastSeq);
    const { session } = this.opts;
    let usedToken: string | null = null;
    this.ws = createClient({
      url: this.opts.url,
      lazy: false,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        await new Promise((r) =>
          setTimeout(r, Math.min(8_000, 300 * 2 ** retries) * (0.5 + Math.random() / 2)),
        );
      },
      keepAlive: 15_000,
      connectionParams: async () => {
        usedToken = await session.getAccessToken();
        return { authorization: `Bearer ${usedToken}` };
      },
      on: {
        connected: () => {
          this.setStatus('online');
          this.opts.onConnected?.();
        },
        closed: (event) => {
          // 4403: the token expired or was revoked; the retry asks for a fresh one.
          if ((event as { code?: number })?.code === 4403) session.invalidate(usedToken);
          this.setStatus(navigator.onLine === false ? 'offline' : 'connecting');
        },
      },
    });
    this.subscribe();
    this.sweepTimer = setInterval(() => this.typing.sweep(), 2_000);
    window.addEventListener('online', this.handleOnline);
    window.addEventListener('offline', this.handleOffline);
  }

  stop(): void {
    this.dispose?.();
    this.dispose = null;
    void this.ws?.dispose();
    this.ws = null;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const t of this.deliveredTimers.values()) clearTimeout(t);
    window.removeEventListener('online', this.handleOnline);
    window.removeEventListener('offline', this.handleOffline);
  }

  /**
   * Runs one query or mutation over the open socket: no HTTP request, no second authentication,
   * and far less work for the server than a POST. Returns null while the socket is not open (the
   * caller uses HTTP). Resolves with the server's answer, refusals (`errors`) included; rejects
   * when the socket fails or nothing comes back within SOCKET_OPERATION_TIMEOUT_MS, when the
   * operation may or may not have run: retry only what is idempotent.
   */
  execute<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    timeoutMs = SOCKET_OPERATION_TIMEOUT_MS,
  ): Promise<SocketResult<TData>> | null {
    const ws = this.ws;
    if (!ws || this.status !== 'online') return null;
    return new Promise((resolve, reject) => {
      let result: SocketResult<TData> | undefined;
      let settled = false;
      const settle = (done: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done();
      };
      const timer = setTimeout(() => {
        settle(() => reject(new Error('No answer from the server.')));
        dispose();
      }, timeoutMs);
      const dispose = ws.subscribe<TData>(
        { query: printWithTypename(document), variables },
        {
          next: (value) => {
            result = value as SocketResult<TData>;
          },
          // A list of GraphQL errors is the server's answer (an invalid operation); anything
          // else (a close event, an Error) means the socket failed first.
          error: (err) =>
            settle(() =>
              Array.isArray(err)
                ? resolve({ errors: err as GraphQLError[] })
                : reject(err instanceof Error ? err : new Error('The connection closed.')),
            ),
          complete: () =>
            settle(() =>
              result ? resolve(result) : reject(new Error('No answer from the server.')),
            ),
        },
      );
    });
  }

  /** Tells the server the person is at the keyboard, so it shows them ONLINE and marks them
   *  AWAY after a few idle minutes. The server counts any operation on the socket as activity
   *  (throttled to one per 30 s there), so a tiny query over the socket is the report. */
  reportActivity(active: boolean): void {
    if (!active || !this.ws || this.status !== 'online') return;
    const now = Date.now();
    if (now - this.lastActivityReport < ACTIVITY_REPORT_MS) return;
    this.lastActivityReport = now;
    this.ws.subscribe(
      { query: 'query Activity { __typename }', operationName: 'Activity' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
  }

  private lastActivityReport = 0;
  private subscribeFailures = 0;

  private subscribe(): void {
    const payload = chatEventsPayload(this.tracker);
    this.dispose = this.ws!.subscribe<ChatEventsSubscription>(payload, {
      next: (result) => {
        this.subscribeFailures = 0;
        if (result.data?.chatEvents) this.apply(result.data.chatEvents);
      },
      error: (err) => {
        // A GraphQL-level refusal ends the subscription: refresh if needed and start again.
        const code = Array.isArray(err)
          ? (err[0] as { extensions?: { code?: string } })?.extensions?.code
          : undefined;
        if (code === 'UNAUTHENTICATED')
          this.opts.session.invalidate(this.opts.session.currentAccessToken);
        const delay = Math.min(30_000, 1_000 * 2 ** this.subscribeFailures++);
        setTimeout(() => {
          if (this.ws) this.subscribe();
        }, delay);
      },
      complete: () => undefined,
    });
  }

  private handleOnline = (): void => {
    // The old socket may be a zombie after a network change: drop it and resume at once.
    this.ws?.terminate();
  };

  private handleOffline = (): void => this.setStatus('offline');

  private setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    for (const l of this.statusListeners) l();
  }

  private async fillGap(
    conversationId: string,
    afterSeq: number,
    beforeSeq: number,
  ): Promise<void> {
    const { cache } = this.opts.client;
    if (!hasMessageList(cache, conversationId)) return; // Nothing on screen to complete; opening it fetches.
    let after = afterSeq;
    try {
      while (after < beforeSeq - 1) {
        const { data } = await this.opts.client.query({
          query: MessagesDocument,
          variables: { conversationId, after, first: Math.min(GAP_PAGE, beforeSeq - after - 1) },
          fetchPolicy: 'no-cache',
        });
        const edges = data.messages.edges.filter((e) => e.node.seq < beforeSeq);
        for (const e of edges) upsertMessageInList(cache, e.node);
        if (!edges.length || !data.messages.pageInfo.hasNextPage) break;
        after = edges[edges.length - 1].node.seq;
      }
    } catch {
      // Could not fill now: a resync makes sure nothing stays missing.
      await this.resync(conversationId);
    }
  }

  private async fetchConversation(conversationId: string): Promise<void> {
    if (this.filling.has(conversationId)) return;
    this.filling.add(conversationId);
    try {
      const { data } = await this.opts.client.query({
        query: ConversationDocument,
        variables: { id: conversationId },
        fetchPolicy: 'network-only',
      });
      if (data.conversation) {
        this.tracker.seed(conversationId, data.conversation.lastSeq);
        addConversationToList(this.opts.client.cache, data.conversation);
      }
    } catch {
      // Next event for it tries again.
    } finally {
      this.filling.delete(conversationId);
    }
  }

  private async resync(conversationId: string): Promise<void> {
    const { cache } = this.opts.client;
    try {
      const { data } = await this.opts.client.query({
        query: ConversationDocument,
        variables: { id: conversationId },
        fetchPolicy: 'network-only',
      });
      if (!data.conversation) {
        this.tracker.forget(conversationId);
        removeConversation(cache, conversationId);
        return;
      }
      this.tracker.reset(conversationId, data.conversation.lastSeq);
      addConversationToList(cache, data.conversation);
      dropMessageList(cache, conversationId);
    } catch {
      // Offline: the reconnect resumes from the cursor anyway.
    }
  }

  /** Acknowledges delivery once per burst, for the newest seq. */
  private markDelivered(conversationId: string, seq: number): void {
    if (this.deliveredTimers.has(conversationId)) return;
    this.deliveredTimers.set(
      conversationId,
      setTimeout(() => {
        this.deliveredTimers.delete(conversationId);
        const latest = Math.max(seq, this.tracker.get(conversationId) ?? seq);
        this.opts.client
          .mutate({ mutation: MarkDeliveredDocument, variables: { conversationId, seq: latest } })
          .catch(() => undefined);
      }, 500),
    );
  }
}
