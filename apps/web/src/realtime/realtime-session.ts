// The one chatEvents stream of this client, run by @chatter/sdk's ChatterClient: it resumes from
// the per-conversation cursors on every (re)connect (nothing lost, nothing repeated), fills holes
// in seq from the history and turns ResyncRequired into a refetch of that conversation. What
// stays here is the app's part: applying each event to the Apollo cache and the typing and
// receipt stores, delivered acknowledgements, and the connection status the UI shows.
import type { ApolloClient } from '@apollo/client';
import { MarkDeliveredDocument } from '@chatter/client';
import type {
  CallSignalEvent,
  ChatterClient,
  CursorStorage,
  FetchLike,
  FollowHandlers,
  PendingMessage,
  ReportResolvedEvent,
  SendOutcome,
  StreamEvent,
} from '@chatter/sdk';
import type { Client } from 'graphql-ws';
import type { Session } from '../auth/session';
import { CONVERSATIONS_PAGE } from '../chat/conversations-page';
import type { ApplyContext } from './apply-event';
import { TypingStore } from './typing-store';
import { ReceiptStore } from './receipt-store';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

const ACTIVITY_REPORT_MS = 60_000;

export interface RealtimeOptions {
  /** The stream's WebSocket URL. */
  url: string;
  /** The server's base URL for the SDK's HTTP requests (default: this page's origin). */
  httpUrl?: string;
  session: Session;
  client: ApolloClient<unknown>;
  myUserId: string;
  viewingConversationId: () => string | null;
  onConnected?: () => void;
  /** Tests: the SDK's HTTP transport and socket. */
  fetch?: FetchLike;
  socket?: Client;
}

type Engine = typeof import('./stream-engine');

export class RealtimeSession {
  readonly typing = new TypingStore();
  readonly receipts = new ReceiptStore();
  private status: ConnectionStatus = 'connecting';
  private readonly statusListeners = new Set<() => void>();
  private readonly filling = new Set<string>();
  private readonly deliveredTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly ctx: ApplyContext;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  /** Bumped by start() and stop(): a client that finishes loading after stop() is not used. */
  private generation = 0;
  private engine: Engine | null = null;
  private sdk: ChatterClient | null = null;
  /** Cursors outlive one SDK client: a restarted stream resumes where the last one stopped. */
  private cursorStore: CursorStorage | null = null;
  /** Fetched lastSeqs (the first one per conversation counts, as in the SDK's seed()). */
  private readonly seeds = new Map<string, number>();
  private readonly callListeners = new Set<(signal: CallSignalEvent) => void>();
  private readonly reportListeners = new Set<(event: ReportResolvedEvent) => void>();
  private lastActivityReport = 0;

  constructor(private readonly opts: RealtimeOptions) {
    this.ctx = {
      cache: opts.client.cache,
      myUserId: opts.myUserId,
      typing: this.typing,
      receipts: this.receipts,
      viewingConversationId: opts.viewingConversationId,
      fetchConversation: (id) =>
        void this.load().then((e) => e.fetchConversation(opts.client, this.filling, id)),
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

  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  /**
   * Loads the SDK and the event handling: a chunk of their own, fetched by start() (or the first
   * send) after the chat list's first paint rather than with the first screen's bundle.
   */
  async load(): Promise<Engine> {
    this.engine ??= await import('./stream-engine');
    return this.engine;
  }

  /** Applies one stream event to the app's state, as the SDK hands it over (a test seam). */
  apply(event: StreamEvent): void {
    if (!this.engine) throw new Error('RealtimeSession.apply() before load()');
    this.engine.applyChatEvent(this.ctx, event);
  }

  /** Conversations fetched later (next page, new chat) resume from their fetched lastSeq. */
  seed(seeds: { id: string; lastSeq: number }[]): void {
    for (const s of seeds) if (!this.seeds.has(s.id)) this.seeds.set(s.id, s.lastSeq);
    this.sdk?.seed(seeds);
  }

  /**
   * Starts streaming; the conversations already fetched become the resume cursors. The SDK
   * loads here, after the chat list's first paint, not with the first screen's bundle.
   */
  start(seeds: { id: string; lastSeq: number }[]): void {
    this.seed(seeds);
    const generation = ++this.generation;
    const follow = () =>
      this.client().then(
        (sdk) => {
          if (generation !== this.generation) return;
          sdk.follow(this.handlers(), { seeded: true }).catch(() => undefined);
        },
        () => {
          // The chunk did not arrive (offline, or a new build replaced it): try again shortly.
          setTimeout(() => generation === this.generation && void follow(), 3_000);
        },
      );
    void follow();
    this.sweepTimer = setInterval(() => this.typing.sweep(), 2_000);
    window.addEventListener('online', this.handleOnline);
    window.addEventListener('offline', this.handleOffline);
  }

  stop(): void {
    this.generation++;
    void this.sdk?.close();
    this.sdk = null;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const t of this.deliveredTimers.values()) clearTimeout(t);
    window.removeEventListener('online', this.handleOnline);
    window.removeEventListener('offline', this.handleOffline);
  }

  /**
   * One attempt at storing a queued message (the outbox's sender): over the open socket, else
   * over HTTP; see ChatterClient.deliver.
   */
  async deliver(message: PendingMessage): Promise<SendOutcome> {
    return (await this.client()).deliver(message);
  }

  /** Tells the server the person is at the keyboard, so it shows them ONLINE and marks them
   *  AWAY after a few idle minutes (at most one report a minute). */
  reportActivity(active: boolean): void {
    if (!active || !this.sdk || this.status !== 'online') return;
    const now = Date.now();
    if (now - this.lastActivityReport < ACTIVITY_REPORT_MS) return;
    this.lastActivityReport = now;
    this.sdk.reportActivity();
  }

  /** The SDK client of the current start() (created on first use, with the session's token). */
  private async client(): Promise<ChatterClient> {
    const engine = await this.load();
    if (this.sdk) return this.sdk;
    const { session } = this.opts;
    let last: string | null = null;
    this.cursorStore ??= new engine.MemoryCursorStorage();
    this.sdk = new engine.ChatterClient({
      url: this.opts.httpUrl ?? location.origin,
      wsUrl: this.opts.url,
      userId: this.opts.myUserId,
      storage: this.cursorStore,
      fetch: this.opts.fetch,
      socket: this.opts.socket,
      token: async ({ expired }) => {
        // Expired: the server refused the token handed out last (expired or revoked).
        if (expired && last) session.invalidate(last);
        last = await session.getAccessToken();
        if (!last) throw new Error('Signed out.');
        return last;
      },
      onStatus: (s) => {
        if (s === 'online') {
          this.setStatus('online');
          this.relist();
          this.opts.onConnected?.();
        } else if (s === 'connecting') {
          this.setStatus(navigator.onLine === false ? 'offline' : 'connecting');
        }
      },
    });
    this.sdk.seed([...this.seeds].map(([id, lastSeq]) => ({ id, lastSeq })));
    return this.sdk;
  }

  private handlers(): FollowHandlers {
    const apply = (event: StreamEvent) => this.apply(event);
    return {
      message: apply,
      messageUpdated: apply,
      membership: apply,
      conversation: apply,
      receipt: apply,
      typing: apply,
      presence: apply,
      delivered: apply,
      attachment: apply,
      call: apply,
      expired: apply,
      reportResolved: apply,
      threadState: apply,
      resync: (info) => this.engine?.applyResync(this.opts.client.cache, info),
    };
  }

  private handleOnline = (): void => {
    // The old socket may be a zombie after a network change: drop it and resume at once.
    this.sdk?.reconnect();
  };

  private handleOffline = (): void => this.setStatus('offline');

  private setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    for (const l of this.statusListeners) l();
  }

  /**
   * The stream resumes only the conversations this page knows: one I was added to after the list
   * was fetched but before the stream's subscription took effect on the server (while the page
   * loaded, or while it was disconnected) would send me nothing. So the first page of the list
   * is fetched again each time the stream (re)connects and what the list lacks is added to it,
   * then seeded like the rest (as the SDK does when it lists conversations itself). The window
   * left is the moment between the socket's acknowledgement and the subscription taking effect.
   */
  private relist(): void {
    void this.load()
      .then((e) => e.addMissingConversations(this.opts.client, CONVERSATIONS_PAGE))
      .catch(() => undefined);
  }

  /** Acknowledges delivery once per burst, for the newest seq. */
  private markDelivered(conversationId: string, seq: number): void {
    if (this.deliveredTimers.has(conversationId)) return;
    this.deliveredTimers.set(
      conversationId,
      setTimeout(() => {
        this.deliveredTimers.delete(conversationId);
        const latest = Math.max(seq, this.sdk?.cursors()[conversationId] ?? seq);
        this.opts.client
          .mutate({ mutation: MarkDeliveredDocument, variables: { conversationId, seq: latest } })
          .catch(() => undefined);
      }, 500),
    );
  }
}
