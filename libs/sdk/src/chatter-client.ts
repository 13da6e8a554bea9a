import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { MeDocument, MessagesDocument, type MessageFieldsFragment } from '@chatter/client';
import { backoffDelay } from './backoff';
import { MemoryCursorStorage, type CursorStorage } from './cursor-storage';
import { Follower } from './follower';
import { GraphqlHttp, type FetchLike } from './graphql-http';
import { Outbox, type OutboxOptions, type PendingSend, type SendInput } from './outbox';
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
    this.outbox = new Outbox(this.http, options.send);
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
  pendingSends(): PendingSend[] {
    return this.outbox.pending();
  }

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
  async follow(handlers: FollowHandlers): Promise<void> {
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
    await this.follower.start();
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
        connected: () => {
          this.setStatus('online');
          this.outbox.retryNow();
        },
        closed: (event) => {
          if ((event as { code?: number } | undefined)?.code === CLOSE_TOKEN_REFUSED)
            this.tokens.invalidate(this.lastSocketToken);
          if (!this.closed) this.setStatus('connecting');
        },
      },
    });
    return this.ws;
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }
}
