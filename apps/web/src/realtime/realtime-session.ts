// The one chatEvents stream of this client. It resumes from the per-conversation cursors on
// every (re)connect, so a dropped socket loses nothing and repeats nothing; holes in seq are
// filled from the store; ResyncRequired refetches only the conversation concerned.
import type { ExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import type { ApolloClient, TypedDocumentNode } from '@apollo/client';
import { MarkDeliveredDocument, type ChatEventsSubscription } from '@chatter/client';
import type { Session } from '../auth/session';
import type { ApplyContext } from './apply-event';
import type { RepairContext } from './stream-repair';
import { SeqTracker } from './seq-tracker';
import { TypingStore } from './typing-store';
import { ReceiptStore } from './receipt-store';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

type CallSignalEvent = Extract<ChatEventsSubscription['chatEvents'], { __typename: 'CallSignal' }>;
type ReportResolvedEvent = Extract<
  ChatEventsSubscription['chatEvents'],
  { __typename: 'ReportResolved' }
>;

const ACTIVITY_REPORT_MS = 60_000;
/** How long an operation sent over the socket waits for its answer before it counts as lost. */
export const SOCKET_OPERATION_TIMEOUT_MS = 15_000;

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
  /** Bumped by start() and stop(): a socket client that finishes loading after stop() is not used. */
  private generation = 0;
  private engine: typeof import('./stream-engine') | null = null;
  private readonly repairContext: RepairContext;
  private readonly callListeners = new Set<(signal: CallSignalEvent) => void>();
  private readonly reportListeners = new Set<(event: ReportResolvedEvent) => void>();

  constructor(private readonly opts: RealtimeOptions) {
    this.repairContext = { client: opts.client, tracker: this.tracker, filling: this.filling };
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
      callSignal: (signal) => {
        for (const listener of this.callListeners) listener(signal);
      },
      reportResolved: (event) => {
        for (const listener of this.reportListeners) listener(event);
      },
    };
  }

  /** My reports resolved while I am connected (the report notice listens). */
  onReportResolved = (listener: (event: ReportResolvedEvent) => void): (() => void) => {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  };

  /** Call signals for this device (the calls/ controller listens). */
  onCallSignal = (listener: (signal: CallSignalEvent) => void): (() => void) => {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  };

  getStatus = (): ConnectionStatus => this.status;

  /**
   * Loads the socket client and the event handling: a chunk of their own, fetched by start()
   * after the chat list's first paint rather than with the first screen's bundle.
   */
  async load(): Promise<void> {
    if (this.engine) return;
    this.engine = await import('./stream-engine');
  }

  /** Applies one stream event (the socket's handler; also the seam for tests, after load()). */
  apply(event: ChatEventsSubscription['chatEvents']): void {
    if (!this.engine) throw new Error('RealtimeSession.apply() before load()');
    this.engine.applyChatEvent(this.ctx, event);
  }

  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  /** Conversations fetched later (next page, new chat) resume from their fetched lastSeq. */
  seed(seeds: { id: string; lastSeq: number }[]): void {
    for (const s of seeds) this.tracker.seed(s.id, s.lastSeq);
  }

  /**
   * Starts streaming; the conversations already fetched become the resume cursors. The socket
   * client loads here, after the chat list's first paint, not with the first screen's bundle.
   */
  start(seeds: { id: string; lastSeq: number }[]): void {
    for (const s of seeds) this.tracker.seed(s.id, s.lastSeq);
    const generation = ++this.generation;
    const load = () =>
      this.load().then(
        () => {
          if (generation === this.generation && this.engine) this.connect(this.engine.createClient);
        },
        () => {
          // The chunk did not arrive (offline, or a new build replaced it): try again shortly.
          setTimeout(() => generation === this.generation && void load(), 3_000);
        },
      );
    void load();
    this.sweepTimer = setInterval(() => this.typing.sweep(), 2_000);
    window.addEventListener('online', this.handleOnline);
    window.addEventListener('offline', this.handleOffline);
  }

  private connect(createClient: typeof import('graphql-ws').createClient): void {
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
  }

  stop(): void {
    this.generation++;
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
    if (!ws || !this.engine || this.status !== 'online') return null;
    return this.engine.executeOverSocket(ws, document, variables, timeoutMs);
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
    const payload = this.engine!.chatEventsPayload(this.tracker);
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

  private async fillGap(conversationId: string, afterSeq: number, beforeSeq: number) {
    await this.load();
    await this.engine!.fillGap(this.repairContext, conversationId, afterSeq, beforeSeq);
  }

  private async fetchConversation(conversationId: string) {
    await this.load();
    await this.engine!.fetchConversation(this.repairContext, conversationId);
  }

  private async resync(conversationId: string) {
    await this.load();
    await this.engine!.resync(this.repairContext, conversationId);
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
