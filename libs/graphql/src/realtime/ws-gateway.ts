import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { handleProtocols, makeServer } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import {
  Authenticate,
  ConversationRepository,
  PresenceService,
  RateLimiter,
  UserRepository,
} from '@chatter/core';
import { Loaders } from '../context/loaders';
import { QueryLimits } from '../security/query-limits';
import { TrustedDocuments } from '../security/trusted-documents';
import { DocumentCache } from './document-cache';
import { FrameSender } from './frame-sender';
import { GatewaySocket, GatewaySocketHost } from './gateway-socket';
import { graphqlWsOptions } from './graphql-ws-hooks';
import { closeSocketsOfRotatedTenant } from './session-revocation';
import { SocketAdmission, SocketRefusal } from './socket-admission';
import { SocketRegistry } from './socket-registry';
import { newSocketState, SocketExtra, SocketState } from './socket-state';
import { UpgradeAdmission } from './upgrade-admission';
import { UserAdmission, UserAdmissionLimits } from './user-admission';

export { CLOSE_SLOW_CONSUMER } from './frame-sender';

export interface WsGatewayOptions {
  path: string;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  slowConsumerMs: number;
  keepAliveMs: number;
  connectionInitWaitTimeoutMs: number;
  limits: QueryLimits;
  /** The persisted-documents manifest and whether only its operations run (as over HTTP). */
  trusted?: TrustedDocuments;
  /** Whether a browser page from this Origin may open a socket (no Origin = non-browser client). */
  isOriginAllowed: (origin: string | undefined, host: string | undefined) => boolean;
  /** Which proxies' X-Forwarded-For is trusted: the TRUST_PROXY setting (as for Express). */
  trustProxy: boolean | number | readonly string[];
  /** Most sockets one client address may hold open on this instance (0 = no cap). */
  maxSocketsPerIp: number;
  /** New sockets per client address per window, across instances (limit 0 = off). */
  connectsPerIp: { limit: number; windowMs: number };
  /** Per-user caps on sockets and subscriptions on this instance (0 = no cap). */
  perUser: UserAdmissionLimits;
}

export interface WsMetrics {
  socketOpened(): void;
  socketClosed(): void;
  /** An upgrade refused with 429 by a per-address limit. */
  socketRefused(reason: SocketRefusal['reason']): void;
  subscriptionStarted(): void;
  subscriptionEnded(): void;
  /** One chatEvents item written to a subscriber; `lagSeconds` as in GraphqlWsHooksDeps. */
  eventDelivered(lagSeconds: number | undefined): void;
}

export interface WsLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface WsGatewayDeps {
  authenticate: Authenticate;
  presence: PresenceService;
  conversations: ConversationRepository;
  users: UserRepository;
  messages: ConstructorParameters<typeof Loaders>[0]['messages'];
  presenceTtlMs: number;
  /** Counts new sockets per client address (shared by the instances when clustered). */
  limiter: RateLimiter;
}

/**
 * The graphql-ws endpoint, composed of its stages: upgrade admission (path, draining, Origin,
 * per-address limits), the socket registry (keep-alive, presence heartbeats, token expiry), the
 * graphql-ws hooks (authentication, operation limits, cached validation, context), the
 * subscription lanes (each `chatEvents` subscription's items rendered by the shared renderer, one
 * execution and serialization per event and selection where the viewer does not matter, and
 * framed exactly) and the frame sender (backpressure, batched writes).
 */
/** Share of the grace period over which a drain spreads its socket closes. */
export const DRAIN_SPREAD_SHARE = 0.75;

export class WsGateway {
  private readonly wss: WebSocketServer;
  private readonly limits: SocketAdmission;
  private readonly admission: UpgradeAdmission;
  private readonly registry: SocketRegistry;
  private readonly sender: FrameSender;
  private readonly socketHost: GatewaySocketHost;
  private readonly users: UserAdmission;
  private readonly graphqlWs: ReturnType<
    typeof makeServer<Record<string, unknown> | undefined, SocketExtra>
  >;

  constructor(
    schema: GraphQLSchema,
    private readonly deps: WsGatewayDeps,
    private readonly options: WsGatewayOptions,
    private readonly metrics: WsMetrics,
    private readonly logger: WsLogger,
    formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  ) {
    this.limits = new SocketAdmission(deps.limiter, {
      maxSocketsPerAddress: options.maxSocketsPerIp,
      connectsPerAddress: options.connectsPerIp,
    });
    this.admission = new UpgradeAdmission(options, this.limits, {
      refused: (reason) => metrics.socketRefused(reason),
      error: (obj, msg) => logger.error(obj, msg),
    });
    this.registry = new SocketRegistry(
      deps.presence,
      { keepAliveMs: options.keepAliveMs, presenceTtlMs: deps.presenceTtlMs },
      logger,
    );
    this.users = new UserAdmission(options.perUser);
    this.sender = new FrameSender(
      { maxBufferedBytes: options.maxBufferedBytes, slowConsumerMs: options.slowConsumerMs },
      logger,
    );
    this.socketHost = {
      sender: this.sender,
      logger,
      socketClosed: (socket, code, reason) => this.socketClosed(socket, code, reason),
    };
    this.graphqlWs = makeServer({
      ...graphqlWsOptions({
        schema,
        authenticate: deps.authenticate,
        presence: deps.presence,
        loaderRepos: {
          users: deps.users,
          messages: deps.messages,
          conversations: deps.conversations,
        },
        registry: this.registry,
        documents: new DocumentCache(schema, options.limits),
        limits: options.limits,
        trusted: options.trusted ?? TrustedDocuments.none(),
        users: this.users,
        sender: this.sender,
        formatError,
        introspection: options.limits.introspection,
        metrics,
        logger,
      }),
      connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs,
    });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      handleProtocols: (protocols) => handleProtocols(protocols),
    });
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.admission.handles(request)) return; // someone else's upgrade (or none): leave it
      this.admission.admit(request, socket, (ip) =>
        this.wss.handleUpgrade(request, socket, head, (ws) => this.onSocket(ws, socket, ip)),
      );
    });
    this.registry.start();
  }

  get openSockets(): number {
    return this.registry.size;
  }

  /** Closes this instance's open sockets for which `which` holds (e.g. a revoked session's); returns how many. */
  closeSocketsWhere(
    which: (socket: Pick<SocketState, 'actor' | 'clientIp'>) => boolean,
    code: number,
    reason: string,
  ): number {
    return this.registry.closeWhere(which, code, reason);
  }

  /** Closes (4403) this instance's sockets opened with app tokens of a tenant whose secret was rotated. */
  revokeTenantAppTokens(tenantId: string): Promise<number> {
    return closeSocketsOfRotatedTenant(this.registry.sockets(), tenantId, this.deps.authenticate);
  }

  /**
   * Stops accepting sockets and closes open ones with 1001 so clients reconnect elsewhere. With
   * `graceMs` (the shutdown's grace period) the closes are spread over its first three quarters,
   * the last quarter left for close handshakes; without, all close at once within 2 s.
   */
  async drain(graceMs?: number): Promise<void> {
    this.admission.stop();
    await (graceMs === undefined
      ? this.registry.drain()
      : this.registry.drain(graceMs, Math.floor(graceMs * DRAIN_SPREAD_SHARE)));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onSocket(ws: WebSocket, raw: Duplex, ip: string): void {
    const state = newSocketState(ws, raw, ip, Date.now(), this.options.keepAliveMs);
    this.registry.opened(state);
    this.limits.opened(ip);
    this.metrics.socketOpened();
    const socket = new GatewaySocket(this.socketHost, state, ip);
    socket.listen();
    socket.endOperations = this.graphqlWs.opened(socket, { state });
  }

  private socketClosed(socket: GatewaySocket, code: number, reason: string): void {
    const { state, ip } = socket;
    this.registry.closed(state);
    this.limits.closed(ip);
    this.users.releaseSocket(state.id);
    this.metrics.socketClosed();
    socket
      .endOperations?.(code, reason)
      .catch((err: unknown) =>
        this.logger.warn({ err }, 'ending the operations of a closed socket failed'),
      );
  }
}
