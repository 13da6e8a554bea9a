import {
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Server } from 'node:http';
import {
  Authenticate,
  ConversationRepository,
  CoreSettings,
  MessageRepository,
  PresenceService,
  RateLimiter,
  TenantSecretRotations,
  UserRepository,
} from '@chatter/core';
import { createErrorFormatter, WsGateway, WsGatewayDeps } from '@chatter/graphql';
import { APP_CONFIG, AppConfig, isWebSocketOriginAllowed } from '../platform/config';
import { MetricsService } from '../platform/metrics';
import { ShutdownModule, ShutdownService } from '../platform/shutdown';
import { queryLimitsFor } from './query-limits';
import { trustedDocumentsFor } from './trusted-documents';

/** The domain services and ports the graphql-ws gateway uses, as one typed provider. */
export const WS_GATEWAY_DEPS = Symbol('WS_GATEWAY_DEPS');

const wsGatewayDeps = {
  provide: WS_GATEWAY_DEPS,
  inject: [
    Authenticate,
    PresenceService,
    ConversationRepository,
    UserRepository,
    MessageRepository,
    CoreSettings,
    RateLimiter,
  ],
  useFactory: (
    authenticate: Authenticate,
    presence: PresenceService,
    conversations: ConversationRepository,
    users: UserRepository,
    messages: MessageRepository,
    settings: CoreSettings,
    limiter: RateLimiter,
  ): WsGatewayDeps => ({
    authenticate,
    presence,
    conversations,
    users,
    messages,
    presenceTtlMs: settings.presenceTtlMs,
    limiter,
  }),
};

/** Starts the graphql-ws endpoint on the HTTP server once the schema exists. */
@Injectable()
export class RealtimeServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private gateway: WsGateway | null = null;
  private stopRotations: (() => Promise<void>) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    private readonly httpHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
    private readonly shutdown: ShutdownService,
    @Inject(WS_GATEWAY_DEPS) private readonly gatewayDeps: WsGatewayDeps,
    private readonly rotations: TenantSecretRotations,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const config = this.config;
    const server = this.httpHost.httpAdapter.getHttpServer() as Server;
    const logger = this.logger;
    this.gateway = new WsGateway(
      this.moduleRef.get(GraphQLSchemaHost, { strict: false }).schema,
      this.gatewayDeps,
      {
        path: '/graphql',
        maxPayloadBytes: config.ws.maxPayloadBytes,
        maxBufferedBytes: config.ws.maxBufferedBytes,
        slowConsumerMs: config.ws.slowConsumerMs,
        keepAliveMs: 12_000,
        connectionInitWaitTimeoutMs: 3_000,
        limits: queryLimitsFor(config),
        trusted: trustedDocumentsFor(config),
        isOriginAllowed: (origin, host) => isWebSocketOriginAllowed(origin, host, config.http.cors),
        trustProxy: config.http.trustProxy,
        maxSocketsPerIp: config.ws.maxSocketsPerIp,
        connectsPerIp: { limit: config.ws.connectsPerIp, windowMs: 10_000 },
        perUser: {
          maxSocketsPerUser: config.ws.maxSocketsPerUser,
          maxSubscriptionsPerUser: config.ws.maxSubscriptionsPerUser,
        },
      },
      {
        socketOpened: () => this.metrics.incWsConnections(),
        socketClosed: () => this.metrics.decWsConnections(),
        socketRefused: (reason) => this.metrics.wsConnectionRefused(reason),
        subscriptionStarted: () => this.metrics.incSubscriptions(),
        subscriptionEnded: () => this.metrics.decSubscriptions(),
        eventDelivered: (lagSeconds) => this.metrics.chatEventDelivered(lagSeconds),
      },
      {
        info: (obj, msg) => logger.log(obj, msg),
        warn: (obj, msg) => logger.warn(obj, msg),
        error: (obj, msg) => logger.error(obj, msg),
      },
      createErrorFormatter({ error: (ctx, msg) => logger.error(ctx, msg) }),
    );
    this.gateway.attach(server);
    // A rotated tenant secret (on any instance) ends this instance's sockets opened with old tokens.
    this.stopRotations = await this.rotations.listen((tenantId) => {
      this.gateway?.revokeTenantAppTokens(tenantId).then(
        (closed) =>
          logger.log(
            { tenantId, closed },
            'tenant signing secret rotated: sockets with old app tokens closed',
          ),
        (err: unknown) =>
          logger.error({ err, tenantId }, 'closing sockets after a secret rotation failed'),
      );
    });
    this.shutdown.registerDrainer(
      'websockets',
      (graceMs) => this.gateway?.drain(graceMs) ?? Promise.resolve(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopRotations?.().catch(() => undefined);
    await this.gateway?.drain();
  }
}

@Module({ imports: [ShutdownModule], providers: [wsGatewayDeps, RealtimeServer] })
export class RealtimeModule {}
