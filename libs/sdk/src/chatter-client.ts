import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  MeDocument,
  MessagesDocument,
  SendMessageDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { backoffDelay } from './backoff';
import { MemoryCursorStorage, type CursorStorage } from './cursor-storage';
import { isRetryable } from './errors';
import { Follower, type FollowOptions } from './follower';
import { GraphqlHttp, type FetchLike } from './graphql-http';
import {
  Outbox,
  type OutboxOptions,
  type PendingMessage,
  type SendInput,
  type SendOutcome,
} from './outbox';
import { executeOverSocket, type SocketResult } from './socket-operations';
import { ChatterError, NetworkError } from './errors';
import type { ConnectionStatus, FollowHandlers } from './stream-events';
import { TokenSource, type TokenOption } from './token-source';

export interface ChatterClientOptions {
  /** The server's base URL, e.g. `https://chat.example.com` (GraphQL at `/graphql`). */
  url: string;
  /** WebSocket URL of the stream; defaults to `url` with ws(s): and `/graphql`. */
  wsUrl?: string;
  token: TokenOption;
  /** Where cursors are kept between runs (default: memory). */
  storage?: CursorStorage;
  /** A WebSocket class where there is no global one (Node.js 20: `import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
  fetch?: FetchLike;
  /** Retry policy of send(). */
  send?: OutboxOptions;
  /** Called when the stream's connection changes state. */
  onStatus?: (status: ConnectionStatus) => void;
  /** A graphql-ws client to use instead of opening one (an app sharing its socket; tests). */
  socket?: Client;
  /** The caller's user id when the application knows it (saves the `me` request). */
  userId?: string;
}

/** The WebSocket close code with which the server ends a socket whose token expired or was revoked. */
const CLOSE_TOKEN_REFUSED = 4403;

/**
 * A Chatter client for apps and bots: typed requests, `follow()` for every conversation's events
 * with resume and repair built in, and `send()` with idempotent retries and an offline queue.
 */
export class ChatterClient {
  readonly http: GraphqlHttp;
  private readonly tokens: TokenSource;
  private readonly outbox: Outbox;
  private ws: Client | undefined;
  private follower: Follower | undefined;
  private me: Promise<string> | undefined;
  private status: ConnectionStatus = 'connecting';
  private closed = false;

  constructor(private readonly options: ChatterClientOptions) {
    const base = options.url.replace(/\/+$/, '');
    this.tokens = new TokenSource(options.token);
    this.http = new GraphqlHttp(`${base}/graphql`, this.tokens, options.fetch);
    this.tokens.attach(this.http);
    this.outbox = new Outbox((m) => this.deliver(m), options.send);
    if (options.userId) this.me = Promise.resolve(options.userId);
  }

  /** Runs any generated document of `@chatter/client` (re-exported here) over HTTP. */
  request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<TData> {
    return this.http.request(document, variables);
  }

  /** The id of the user (or bot) the token belongs to. */
  userId(): Promise<string> {
    this.me ??= this.http.request(MeDocument, {}).then(
      (d) => d.me.id,
      (error: unknown) => {
        this.me = undefined;
        throw error;
      },
    );
    return this.me;
  }

  /**
   * Sends a message. Resolves with the stored message; waits (queued, in call order) while the
   * server cannot be reached, retrying with the same clientMessageId so it is stored once.
   */
  send(input: SendInput): Promise<MessageFieldsFragment> {
    return this.outbox.send(input);
  }

  /** Sends not yet acknowledged by the server, oldest first. */
  pendingSends(): PendingMessage[] {
    return this.outbox.pending();
  }

  /**
   * One attempt at storing a queued message: over the stream's socket while it is open (one
   * frame, no HTTP request), else over HTTP. The sender of an `Outbox` of the application's own
   * (e.g. one persisted in localStorage); send() uses it too.
   */
  async deliver(message: PendingMessage): Promise<SendOutcome> {
    const variables = {
      input: {
        conversationId: message.conversationId,
        body: message.body,
        clientMessageId: message.clientMessageId,
        ...(message.replyToId ? { replyToId: message.replyToId } : {}),
        ...(message.attachmentIds?.length ? { attachmentIds: message.attachmentIds } : {}),
      },
    };
    try {
      const overSocket = this.execute(SendMessageDocument, variables);
      let stored: MessageFieldsFragment;
      if (overSocket) {
        const result = await overSocket.catch((error: unknown) => {
          throw new NetworkError(error instanceof Error ? error.message : 'The socket failed.');
        });
        const first = result.errors?.[0] as { message?: string; extensions?: { code?: string } };
        if (first || !result.data)
          throw new ChatterError(
            first?.extensions?.code ?? 'UNKNOWN',
            first?.message ?? 'The server returned no data.',
            result.errors ?? [],
          );
        stored = result.data.sendMessage;
      } else {
        stored = (await this.http.request(SendMessageDocument, variables)).sendMessage;
      }
      return { ok: true, message: stored };
    } catch (error) {
      const text = error instanceof Error ? error.message : 'The send failed.';
      return isRetryable(error)
        ? { ok: false, retryable: true, error: text, cause: error }
        : { ok: false, retryable: false, error: text, cause: error };
    }
  }

  /**
   * Runs one query or mutation over the stream's open socket (no HTTP request, no second
   * authentication). Returns null while the socket is not open: use request() then. Resolves
   * with the server's answer, refusals (`errors`) included; rejects when the socket fails or no
   * answer comes in time, when the operation may or may not have run.
   */
  execute<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    timeoutMs?: number,
  ): Promise<SocketResult<TData>> | null {
    if (!this.ws || this.status !== 'online') return null;
    return executeOverSocket(this.ws, document, variables, timeoutMs);
  }

  /**
   * Tells the server the person is at the keyboard (it shows them ONLINE, and AWAY after a few
   * idle minutes): the server counts any operation on the socket as activity. No-op offline.
   */
  reportActivity(): void {
    if (!this.ws || this.status !== 'online') return;
    this.ws.subscribe(
      { query: 'query Activity { __typename }', operationName: 'Activity' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
  }

  /**
   * Conversations the application fetched (a list page, a new chat): follow() resumes them from
   * these lastSeqs. A conversation already followed keeps its cursor.
   */
  seed(conversations: readonly { id: string; lastSeq: number }[]): void {
    for (const c of conversations) this.seeds.set(c.id, c.lastSeq);
    if (this.follower) for (const c of conversations) this.follower.tracker.seed(c.id, c.lastSeq);
  }

  private readonly seeds = new Map<string, number>();

  /** Messages of a conversation after `after` (seq), oldest first, up to `first` (1–50). */
  async history(
    conversationId: string,
    page: { after?: number; first?: number } = {},
  ): Promise<{ messages: MessageFieldsFragment[]; hasNextPage: boolean }> {
    const data = await this.http.request(MessagesDocument, {
      conversationId,
      after: page.after ?? 0,
      first: page.first ?? 50,
    });
    return {
      messages: data.messages.edges.map((e) => e.node),
      hasNextPage: data.messages.pageInfo.hasNextPage,
    };
  }

  /**
   * Follows every conversation the caller is in (and each one they join later). Resolves once
   * the subscription is being opened; events then reach the handlers in order.
   */
  async follow(handlers: FollowHandlers, options: FollowOptions = {}): Promise<void> {
    if (this.follower) throw new Error('follow() was already called on this client');
    if (this.closed) throw new Error('The client is closed.');
    this.follower = new Follower(
      {
        http: this.http,
        socket: () => this.socket(),
        storage: this.options.storage ?? new MemoryCursorStorage(),
        myUserId: () => this.userId(),
        onUnauthenticated: () => this.tokens.invalidate(this.lastSocketToken),
      },
      handlers,
    );
    this.follower.tracker.seedAll(this.seeds);
    await this.follower.start(options);
  }

  /** The cursors as they are now (conversation id → last handled seq). */
  cursors(): Record<string, number> {
    return this.follower?.tracker.toJSON() ?? {};
  }

  /**
   * Drops the socket and resumes at once (e.g. on the browser's `online` event, when the old
   * socket may be dead without knowing it). Nothing is lost: the stream resumes from the cursors.
   */
  reconnect(): void {
    this.ws?.terminate();
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  /** Stops following and sending; saves the cursors. Queued sends reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.outbox.close();
    await this.follower?.stop();
    await this.ws?.dispose();
    this.setStatus('closed');
  }

  private lastSocketToken: string | undefined;

  private socket(): Client {
    if (this.ws) return this.ws;
    if (this.options.socket) {
      this.ws = this.options.socket;
      this.ws.on('connected', () => this.onConnected());
      this.ws.on('closed', (event) => this.onClosed(event));
      return this.ws;
    }
    const wsUrl =
      this.options.wsUrl ??
      `${this.options.url.replace(/\/+$/, '').replace(/^http/, 'ws')}/graphql`;
    this.ws = createClient({
      url: wsUrl,
      webSocketImpl: this.options.webSocketImpl,
      lazy: false,
      retryAttempts: Infinity,
      shouldRetry: () => !this.closed,
      retryWait: (retries) => new Promise((r) => setTimeout(r, backoffDelay(retries))),
      keepAlive: 15_000,
      connectionParams: async () => {
        this.lastSocketToken = await this.tokens.get();
        return { authorization: `Bearer ${this.lastSocketToken}` };
      },
      on: {
        connected: () => this.onConnected(),
        closed: (event) => this.onClosed(event),
      },
    });
    return this.ws;
  }

  private onConnected(): void {
    this.setStatus('online');
    this.outbox.retryNow();
    this.follower?.connected();
  }

  private onClosed(event: unknown): void {
    if ((event as { code?: number } | undefined)?.code === CLOSE_TOKEN_REFUSED)
      this.tokens.invalidate(this.lastSocketToken);
    if (!this.closed) this.setStatus('connecting');
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }
}
