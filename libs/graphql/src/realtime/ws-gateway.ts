import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import proxyAddr from 'proxy-addr';
import {
  createSourceEventStream,
  DocumentNode,
  execute,
  ExecutionArgs,
  ExecutionResult,
  getOperationAST,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer, ServerOptions } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import {
  Authenticate,
  Authenticated,
  ConversationRepository,
  DomainError,
  PresenceService,
  RateLimiter,
  RealtimeEvent,
  StreamItem,
  UserRepository,
} from '@chatter/core';
import { GqlContext } from '../context/gql-context';
import { Loaders } from '../context/loaders';
import { ChatEventObject } from '../models/chat-event.model';
import { documentTooLarge, MAX_DOCUMENT_LENGTH, MAX_DOCUMENT_TOKENS, QueryLimits, queryLimitRules, stripSuggestions } from '../security/query-limits';
import { toChatEvent } from './event-mapper';
import { renderVariables } from './render-variables';
import { SocketAdmission, SocketRefusal } from './socket-admission';
import { dependsOnViewer } from './viewer-dependence';

export const CLOSE_SLOW_CONSUMER = 4013;
const MAX_OPERATIONS_PER_SOCKET = 20;
const ACTIVITY_THROTTLE_MS = 30_000;
/** Distinct valid documents kept parsed and validated (each at most MAX_DOCUMENT_LENGTH). */
const MAX_CACHED_DOCUMENTS = 500;

export interface WsGatewayOptions {
  path: string;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  slowConsumerMs: number;
  keepAliveMs: number;
  connectionInitWaitTimeoutMs: number;
  limits: QueryLimits;
  /** Whether a browser page from this Origin may open a socket (no Origin = non-browser client). */
  isOriginAllowed: (origin: string | undefined, host: string | undefined) => boolean;
  /** Which proxies' X-Forwarded-For is trusted: the TRUST_PROXY setting (as for Express). */
  trustProxy: boolean | number | readonly string[];
  /** Most sockets one client address may hold open on this instance (0 = no cap). */
  maxSocketsPerIp: number;
  /** New sockets per client address per window, across instances (limit 0 = off). */
  connectsPerIp: { limit: number; windowMs: number };
}

export interface WsMetrics {
  socketOpened(): void;
  socketClosed(): void;
  /** An upgrade refused with 429 by a per-address limit. */
  socketRefused(reason: SocketRefusal['reason']): void;
  subscriptionStarted(): void;
  subscriptionEnded(): void;
  eventsDelivered(count: number): void;
}

export interface WsLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

interface SocketState {
  id: string;
  socket: WebSocket;
  /** The TCP socket under `socket`: corked while frames of one tick are queued (one write). */
  raw: Duplex;
  corked: boolean;
  actor: Authenticated | null;
  clientIp: string;
  authorization: string | null;
  operations: number;
  lastActivity: number;
  slowSince: number | null;
  /** Keep-alive: whether the peer answered the last ping, and when to ping next. */
  alive: boolean;
  nextPingAt: number;
  /** Presence heartbeat and token expiry, once connection_init succeeded. */
  nextHeartbeatAt: number;
  expiresAt: number;
}

type Extra = { state: SocketState };

const RAW = Symbol('chatter.raw');
const RAW_TOKEN = '__chatter_raw_payload__';
/** Set by the JSON replacer and consumed by the very next send (same tick). */
let pendingRaw: string | null = null;

/**
 * The graphql-ws endpoint. Owns authentication at connect (4403 on a bad, expired or revoked
 * token), Origin checks, payload and operation limits, the same validation rules as HTTP,
 * keep-alive, presence of the connection, backpressure, and shared execution: an event whose
 * selection does not depend on the viewer is executed and serialized once for all local
 * subscribers with the same document.
 */
export class WsGateway {
  private readonly wss: WebSocketServer;
  private readonly states = new Set<SocketState>();
  private readonly shared = new WeakMap<object, Map<string, Promise<string | null>>>();
  private readonly mapped = new WeakMap<object, Promise<ChatEventObject | null>>();
  /** What rendering needs to know of each (cached, so shared) document, worked out once. */
  private readonly facts = new WeakMap<DocumentNode, { id: number; dependent: boolean; renderVariables: Map<string, string[]> }>();
  private readonly documents = new Map<string, DocumentNode>();
  private nextDocumentId = 1;
  private readonly rules;
  private sweeper: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private readonly trust: (addr: string, i: number) => boolean;
  private readonly admission: SocketAdmission;
  private accepting = true;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly deps: {
      authenticate: Authenticate;
      presence: PresenceService;
      conversations: ConversationRepository;
      users: UserRepository;
      messages: ConstructorParameters<typeof Loaders>[0]['messages'];
      presenceTtlMs: number;
      /** Counts new sockets per client address (shared by the instances when clustered). */
      limiter: RateLimiter;
    },
    private readonly options: WsGatewayOptions,
    private readonly metrics: WsMetrics,
    private readonly logger: WsLogger,
    private readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  ) {
    this.rules = [...specifiedRules, ...queryLimitRules(options.limits)];
    const t = options.trustProxy;
    this.trust = typeof t === 'boolean' ? () => t : typeof t === 'number' ? (_a, i) => i < t : proxyAddr.compile([...t]);
    this.admission = new SocketAdmission(deps.limiter, { maxSocketsPerAddress: options.maxSocketsPerIp, connectsPerAddress: options.connectsPerIp });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, handleProtocols: (protocols) => handleProtocols(protocols) });
  }

  attach(server: Server): void {
    const graphqlWs = makeServer<Record<string, unknown> | undefined, Extra>(this.serverOptions());
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(request, socket, head, graphqlWs));
    const sweepEvery = Math.max(1_000, Math.min(5_000, this.deps.presenceTtlMs / 3));
    this.sweeper = setInterval(() => {
      this.deps.presence.sweep().catch((err: unknown) => this.logger.warn({ err }, 'presence sweep failed'));
    }, sweepEvery);
    this.sweeper.unref();
    // Short ticks keep each one's burst of pings and heartbeats small (idle event-loop delay).
    const tickEvery = Math.max(20, Math.min(100, this.heartbeatEveryMs() / 2, this.options.keepAliveMs / 2));
    this.ticker = setInterval(() => this.tick(), tickEvery);
    this.ticker.unref();
  }

  private heartbeatEveryMs(): number {
    return Math.max(1_000, this.deps.presenceTtlMs / 3);
  }

  /**
   * One timer for every socket instead of three per socket (keep-alive ping, presence
   * heartbeat, token expiry): each socket's next due times are checked once per tick. Due
   * times start at each socket's own connect time, so the work spreads over the interval.
   */
  private tick(): void {
    const now = Date.now();
    for (const state of this.states) {
      const ws = state.socket;
      if (now >= state.expiresAt) {
        state.expiresAt = Number.POSITIVE_INFINITY;
        ws.close(CloseCode.Forbidden, 'Forbidden: token expired');
        continue;
      }
      if (now >= state.nextPingAt) {
        state.nextPingAt = now + this.options.keepAliveMs;
        if (!state.alive) {
          ws.terminate();
          continue;
        }
        state.alive = false;
        if (ws.readyState === ws.OPEN) ws.ping();
      }
      if (now >= state.nextHeartbeatAt && state.actor) {
        state.nextHeartbeatAt = now + this.heartbeatEveryMs();
        this.deps.presence.heartbeat(state.actor, state.id).catch((err: unknown) => this.logger.warn({ err }, 'presence heartbeat failed'));
      }
    }
  }

  get openSockets(): number {
    return this.states.size;
  }

  /** Stops accepting sockets and closes open ones with 1001 so clients reconnect elsewhere. */
  async drain(): Promise<void> {
    this.accepting = false;
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.ticker) clearInterval(this.ticker);
    for (const state of [...this.states]) state.socket.close(1001, 'Server shutting down');
    const deadline = Date.now() + 2_000;
    while (this.states.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const state of [...this.states]) state.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    graphqlWs: ReturnType<typeof makeServer<Record<string, unknown> | undefined, Extra>>,
  ): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== this.options.path) return; // someone else's upgrade (or none): leave it
    const refuse = (status: number, text: string, headers = '') => {
      if (socket.writable) socket.write(`HTTP/1.1 ${status} ${text}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    const tooMany = (refusal: SocketRefusal) => {
      this.metrics.socketRefused(refusal.reason);
      refuse(429, 'Too Many Requests', `Retry-After: ${refusal.retryAfterSeconds}\r\n`);
    };
    if (!this.accepting) return refuse(503, 'Service Unavailable');
    if (!this.options.isOriginAllowed(request.headers.origin, request.headers.host)) return refuse(403, 'Forbidden');
    const ip = clientIp(request, this.trust);
    // Checked again right before accepting, in the same tick as the socket is counted.
    const accept = () => {
      const full = this.admission.atCapacity(ip);
      if (full) return tooMany(full);
      this.wss.handleUpgrade(request, socket, head, (ws) => this.onSocket(ws, socket, ip, graphqlWs));
    };
    const full = this.admission.atCapacity(ip);
    if (full) return tooMany(full);
    if (!this.admission.limitsConnects) return accept();
    // Nobody listens for socket errors between the upgrade event and handleUpgrade: a reset
    // while the (Redis) rate limiter answers must not become an uncaught error.
    const onEarlyError = () => socket.destroy();
    socket.on('error', onEarlyError);
    this.admission.consumeConnect(ip).then(
      (limited) => {
        socket.off('error', onEarlyError);
        if (limited) return tooMany(limited);
        if (!this.accepting) return refuse(503, 'Service Unavailable');
        accept();
      },
      (err: unknown) => {
        socket.off('error', onEarlyError);
        this.logger.error({ err }, 'websocket admission failed');
        refuse(500, 'Internal Server Error');
      },
    );
  }

  private onSocket(
    ws: WebSocket,
    raw: Duplex,
    ip: string,
    graphqlWs: ReturnType<typeof makeServer<Record<string, unknown> | undefined, Extra>>,
  ): void {
    const state: SocketState = {
      id: randomUUID(),
      socket: ws,
      raw,
      corked: false,
      actor: null,
      clientIp: ip,
      authorization: null,
      operations: 0,
      lastActivity: 0,
      slowSince: null,
      alive: true,
      nextPingAt: Date.now() + this.options.keepAliveMs,
      nextHeartbeatAt: Number.POSITIVE_INFINITY,
      expiresAt: Number.POSITIVE_INFINITY,
    };
    this.states.add(state);
    this.admission.opened(ip);
    this.metrics.socketOpened();
    ws.on('error', (err) => {
      this.logger.warn({ err }, 'websocket error');
      ws.terminate();
    });

    // Keep-alive (see tick): a peer that does not answer a ping within the interval is dropped.
    ws.on('pong', () => (state.alive = true));

    const closed = graphqlWs.opened(
      {
        protocol: ws.protocol,
        send: (data) => this.send(state, data),
        close: (code, reason) => ws.close(code, reason),
        onMessage: (cb) =>
          ws.on('message', (data, isBinary) => {
            if (isBinary) return ws.close(CloseCode.BadRequest, 'Binary frames are not supported');
            cb(String(data)).catch((err: unknown) => {
              this.logger.error({ err }, 'graphql-ws message handling failed');
              ws.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { state },
    );

    ws.once('close', (code, reason) => {
      this.states.delete(state);
      this.admission.closed(ip);
      this.metrics.socketClosed();
      closed(code, String(reason)).catch((err: unknown) => this.logger.warn({ err }, 'ending the operations of a closed socket failed'));
      const actor = state.actor;
      if (actor) {
        this.deps.presence.disconnected(actor, state.id).catch((err: unknown) => this.logger.warn({ err }, 'presence disconnect failed'));
      }
    });
  }

  private send(state: SocketState, data: string): Promise<void> {
    const ws = state.socket;
    if (pendingRaw !== null) {
      data = data.replace(`"${RAW_TOKEN}"`, pendingRaw);
      pendingRaw = null;
    }
    if (ws.readyState !== ws.OPEN) return Promise.resolve();
    const now = Date.now();
    if (ws.bufferedAmount > this.options.maxBufferedBytes) {
      state.slowSince ??= now;
      if (now - state.slowSince > this.options.slowConsumerMs || ws.bufferedAmount > this.options.maxBufferedBytes * 4) {
        this.logger.warn({ socket: state.id, clientIp: state.clientIp, bufferedBytes: ws.bufferedAmount, slowForMs: now - state.slowSince }, 'closing a slow consumer (4013)');
        ws.close(CLOSE_SLOW_CONSUMER, 'Slow consumer: resume with cursors');
        return Promise.resolve();
      }
    } else {
      state.slowSince = null;
    }
    // Frames sent to one socket in the same tick (a replay, a burst) leave in one write.
    if (!state.corked) {
      state.corked = true;
      state.raw.cork();
      process.nextTick(uncork, state);
    }
    // Resolve without waiting for the write: graphql-ws awaits each send, and waiting would stall
    // a stuck socket's streams after one frame, so bufferedAmount would never reach the limit.
    ws.send(data);
    return Promise.resolve();
  }

  private serverOptions(): ServerOptions<Record<string, unknown> | undefined, Extra> {
    return {
      schema: this.schema,
      connectionInitWaitTimeout: this.options.connectionInitWaitTimeoutMs,
      jsonMessageReplacer: (key, value: unknown) => {
        if (key === 'payload' && value && typeof value === 'object' && RAW in value) {
          pendingRaw = (value as { [RAW]: string })[RAW];
          return RAW_TOKEN;
        }
        return value;
      },
      onConnect: async (ctx) => {
        const state = ctx.extra.state;
        const authorization = ctx.connectionParams?.authorization;
        try {
          const actor = await this.deps.authenticate.execute(typeof authorization === 'string' ? authorization : null);
          state.actor = actor;
          state.authorization = authorization as string;
        } catch (error) {
          if (!(error instanceof DomainError)) this.logger.error({ err: error }, 'websocket authentication failed');
          return false; // graphql-ws closes with 4403 Forbidden
        }
        const actor = state.actor;
        // The socket lives no longer than its token (closed by tick).
        state.expiresAt = actor.expiresAt.getTime();
        await this.deps.presence.connected(actor, state.id).catch((err: unknown) => this.logger.warn({ err }, 'presence connect failed'));
        state.nextHeartbeatAt = Date.now() + this.heartbeatEveryMs();
        return true;
      },
      context: (ctx): GqlContext => ({
        authorization: ctx.extra.state.authorization,
        actor: ctx.extra.state.actor,
        clientIp: ctx.extra.state.clientIp,
        adminToken: null,
        closeConnection: (code, reason) => ctx.extra.state.socket.close(code, reason),
        loaders: new Loaders({ users: this.deps.users, messages: this.deps.messages, conversations: this.deps.conversations }),
      }),
      onSubscribe: async (ctx, _id, payload) => {
        const state = ctx.extra.state;
        // The session may have been revoked since the socket connected: check again.
        try {
          state.actor = await this.deps.authenticate.execute(state.authorization);
        } catch (error) {
          const code = error instanceof DomainError && error.code === 'TOKEN_EXPIRED' ? 'token expired' : 'session revoked';
          state.socket.close(CloseCode.Forbidden, `Forbidden: ${code}`);
          return [new GraphQLError('Forbidden', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        this.touch(state);
        if (state.operations >= MAX_OPERATIONS_PER_SOCKET) {
          return [new GraphQLError(`at most ${MAX_OPERATIONS_PER_SOCKET} operations per connection`, { extensions: { code: 'RATE_LIMITED' } })];
        }
        if (typeof payload.query !== 'string' || payload.query.length > MAX_DOCUMENT_LENGTH) {
          return [documentTooLarge()];
        }
        const checked = this.checkDocument(payload.query);
        if ('errors' in checked) return checked.errors;
        const document = checked.document;
        state.operations++;
        return {
          schema: this.schema,
          document,
          operationName: payload.operationName ?? undefined,
          variableValues: payload.variables ?? undefined,
        };
      },
      subscribe: (args) => this.subscribe(args),
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return undefined;
        return { ...result, errors: result.errors.map((e) => this.format(e)) } as unknown as ExecutionResult;
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => this.format(e)),
      onComplete: (ctx) => {
        ctx.extra.state.operations = Math.max(0, ctx.extra.state.operations - 1);
      },
    };
  }

  /**
   * Parses and validates a document once: clients send the same few documents on every
   * (re)connect, so a reconnect storm costs one parse and one validation per distinct document.
   * Only valid documents are kept, in a bounded least-recently-used map.
   */
  private checkDocument(query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    const cached = this.documents.get(query);
    if (cached) {
      this.documents.delete(query);
      this.documents.set(query, cached);
      return { document: cached };
    }
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
    } catch (error) {
      // Same code as Apollo gives over HTTP.
      const message = error instanceof GraphQLError ? error.message : 'Syntax Error';
      return { errors: [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) return { errors };
    if (this.documents.size >= MAX_CACHED_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(query, document);
    return { document };
  }

  private format(error: GraphQLError): GraphQLFormattedError {
    const formatted = this.formatError(error.toJSON(), error);
    return this.options.limits.introspection ? formatted : { ...formatted, message: stripSuggestions(formatted.message) };
  }

  private touch(state: SocketState): void {
    const now = Date.now();
    if (!state.actor || now - state.lastActivity < ACTIVITY_THROTTLE_MS) return;
    state.lastActivity = now;
    this.deps.presence.active(state.actor).catch(() => undefined);
  }

  private async subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
    const items = source as AsyncIterableIterator<StreamItem>;
    const context = args.contextValue as GqlContext;
    const operationName = getOperationAST(args.document, args.operationName)?.name?.value ?? '';
    let facts = this.facts.get(args.document);
    if (!facts) {
      facts = { id: this.nextDocumentId++, dependent: dependsOnViewer(this.schema, args.document), renderVariables: new Map() };
      this.facts.set(args.document, facts);
    }
    let names = facts.renderVariables.get(operationName);
    if (!names) {
      names = renderVariables(args.document, args.operationName);
      facts.renderVariables.set(operationName, names);
    }
    const values = args.variableValues ?? {};
    // Documents are cached (checkDocument), so equal documents are the same object: a short
    // per-document number stands for the text in the key.
    const key = `${facts.id}|${operationName}|${JSON.stringify(names.map((n) => values[n] ?? null))}`;
    const viewerDependent = facts.dependent;
    this.metrics.subscriptionStarted();
    const metrics = this.metrics;
    const render = (item: Exclude<StreamItem, { kind: 'close' }>) => this.render(item, args, key, viewerDependent);
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      metrics.subscriptionEnded();
      await items.return?.();
    };
    // An async-generator-shaped object: graphql-ws calls return() on it when the socket closes.
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      async next(): Promise<IteratorResult<ExecutionResult>> {
        for (;;) {
          const next = finished ? ({ done: true, value: undefined } as const) : await items.next();
          if (next.done) {
            await finish();
            return { value: undefined, done: true };
          }
          const item = next.value;
          if (item.kind === 'close') {
            context.closeConnection?.(item.code, item.reason);
            await finish();
            return { value: undefined, done: true };
          }
          const result = await render(item);
          if (result) {
            metrics.eventsDelivered(1);
            return { value: result, done: false };
          }
        }
      },
      async return(): Promise<IteratorResult<ExecutionResult>> {
        await finish();
        return { value: undefined, done: true };
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

  /** Executes the subscriber's selection for one item, sharing work where the viewer does not matter. */
  private async render(
    item: Exclude<StreamItem, { kind: 'close' }>,
    args: ExecutionArgs,
    key: string,
    viewerDependent: boolean,
  ): Promise<ExecutionResult | null> {
    const eventObject = item.kind === 'event' ? (item.event as RealtimeEvent & object) : null;
    const repos = { conversations: this.deps.conversations, users: this.deps.users };
    let mappedPromise = eventObject ? this.mapped.get(eventObject) : undefined;
    if (!mappedPromise) {
      mappedPromise = toChatEvent(item, repos);
      if (eventObject) this.mapped.set(eventObject, mappedPromise);
    }
    const mapped = await mappedPromise;
    if (!mapped) return null;
    const run = async (): Promise<ExecutionResult> => {
      (args.contextValue as GqlContext).loaders.clear();
      return execute({ ...args, rootValue: { chatEvents: mapped } }) as Promise<ExecutionResult>;
    };
    if (viewerDependent || !eventObject) return run();
    let perEvent = this.shared.get(eventObject);
    if (!perEvent) {
      perEvent = new Map();
      this.shared.set(eventObject, perEvent);
    }
    let serialized = perEvent.get(key);
    if (!serialized) {
      serialized = run().then((result) => (result.errors?.length ? null : JSON.stringify(result)));
      perEvent.set(key, serialized);
    }
    const json = await serialized;
    if (json === null) return run(); // errors are formatted per subscriber
    return { [RAW]: json } as unknown as ExecutionResult;
  }
}

function uncork(state: SocketState): void {
  state.corked = false;
  state.raw.uncork();
}

/** The client address, honouring X-Forwarded-For only from proxies the operator trusts (as Express does). */
function clientIp(request: IncomingMessage, trust: (addr: string, i: number) => boolean): string {
  try {
    return proxyAddr(request, trust);
  } catch {
    return request.socket.remoteAddress ?? 'unknown';
  }
}
