import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { join } from 'node:path';
import {
  AttachmentRepository,
  CallRepository,
  PollRepository,
  TenantRoleRepository,
  OidcRepository,
  OidcClient,
  SafetySettingsRepository,
  SanctionRepository,
  AuditLogRepository,
  ReportRepository,
  ScheduledMessageRepository,
  StarRepository,
  ThreadFollowRepository,
  BlockRepository,
  BotRepository,
  WebhookRepository,
  WebhookQueueRepository,
  IncomingWebhookRepository,
  LinkPreviewRepository,
  ContactRepository,
  ContentSniffer,
  ConversationRepository,
  EventBus,
  FileStorage,
  ImageProcessor,
  MediaProber,
  InMemoryEventBus,
  InMemoryLoginCodeStore,
  InMemoryPresenceStore,
  InMemoryRateLimiter,
  LoginCodeStore,
  MessageRepository,
  InProcessNotificationQueue,
  InMemoryDeliveryLedger,
  DeliveryLedger,
  allowedTargets,
  NotificationQueue,
  NotificationRepository,
  PushSender,
  MailSender,
  UnconfiguredMailSender,
  SystemClock,
  PresenceStore,
  RateLimiter,
  SessionRepository,
  SmsSender,
  TenantRepository,
  UserRepository,
} from '@chatter/core';
import { SqliteStore } from '@chatter/store-sqlite';
// The MongoDB store, NATS and Redis adapters (and their drivers) are loaded only when the
// configuration uses them: the embedded default starts without mongoose, nats or ioredis.
import type { RedisConnection } from '@chatter/bus-redis';
import { LogSmsSender, WebhookSmsSender } from '@chatter/sms';
import { OpenidClientOidc } from '@chatter/oidc';
import {
  GatewayPushSender,
  RoutingPushSender,
  UnconfiguredPushSender,
  SmtpMailSender,
  WebPushSender,
  loadOrCreateVapidKeys,
} from '@chatter/push';
import {
  DiskFileStorage,
  FileTypeSniffer,
  MusicMetadataProber,
  S3FileStorage,
  SharpImageProcessor,
  UnconfiguredFileStorage,
} from '@chatter/storage';
import { AppConfig } from '../platform/config';
import { ReadinessCheck } from '../platform/health';
import { MetricsService } from '../platform/metrics';

export const SQLITE_STORE = Symbol('SQLITE_STORE');
export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');
export const STORE_READY = Symbol('STORE_READY');
export const CLOSERS = Symbol('CLOSERS');

/** A repository port and the SQLite store's repository that implements it. */
interface SqliteRepository<T> {
  readonly port: abstract new (...args: never[]) => T;
  readonly of: (store: SqliteStore) => T;
}
/** Typed pairs: a repository that does not implement its port does not compile. */
const sqliteRepository = <T>(
  port: SqliteRepository<T>['port'],
  of: SqliteRepository<T>['of'],
): SqliteRepository<T> => ({ port, of });

const SQLITE_REPOSITORIES = [
  sqliteRepository(TenantRepository, (s) => s.tenants),
  sqliteRepository(UserRepository, (s) => s.users),
  sqliteRepository(SessionRepository, (s) => s.sessions),
  sqliteRepository(ContactRepository, (s) => s.contacts),
  sqliteRepository(BlockRepository, (s) => s.blocks),
  sqliteRepository(ConversationRepository, (s) => s.conversations),
  sqliteRepository(MessageRepository, (s) => s.messages),
  sqliteRepository(AttachmentRepository, (s) => s.attachments),
  sqliteRepository(CallRepository, (s) => s.calls),
  sqliteRepository(PollRepository, (s) => s.polls),
  sqliteRepository(NotificationRepository, (s) => s.notifications),
  sqliteRepository(TenantRoleRepository, (s) => s.tenantRoles),
  sqliteRepository(OidcRepository, (s) => s.oidc),
  sqliteRepository(SafetySettingsRepository, (s) => s.safetySettings),
  sqliteRepository(SanctionRepository, (s) => s.sanctions),
  sqliteRepository(AuditLogRepository, (s) => s.auditLog),
  sqliteRepository(ReportRepository, (s) => s.reports),
  sqliteRepository(ScheduledMessageRepository, (s) => s.scheduledMessages),
  sqliteRepository(ThreadFollowRepository, (s) => s.threadFollows),
  sqliteRepository(StarRepository, (s) => s.stars),
  sqliteRepository(BotRepository, (s) => s.bots),
  sqliteRepository(WebhookRepository, (s) => s.webhooks),
  sqliteRepository(WebhookQueueRepository, (s) => s.webhookQueue),
  sqliteRepository(IncomingWebhookRepository, (s) => s.incomingWebhooks),
  sqliteRepository(LinkPreviewRepository, (s) => s.linkPreviews),
];

/** Readiness of each dependency, for /readyz. */
@Injectable()
export class StoreReadiness extends ReadinessCheck {
  name = 'store';
  constructor(@Inject(STORE_READY) private readonly check: () => Promise<boolean>) {
    super();
  }
  isReady(): Promise<boolean> {
    return this.check();
  }
}

@Injectable()
export class BusReadiness extends ReadinessCheck {
  name = 'bus';
  constructor(private readonly bus: EventBus) {
    super();
  }
  isReady(): Promise<boolean> {
    return this.bus.isReady();
  }
}

@Injectable()
export class PresenceReadiness extends ReadinessCheck {
  name = 'presence';
  constructor(private readonly presence: PresenceStore) {
    super();
  }
  isReady(): Promise<boolean> {
    return this.presence.isReady();
  }
}

/** Closes connections in dependency order when the app stops. */
@Injectable()
export class AdapterLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Adapters');
  constructor(
    private readonly bus: EventBus,
    @Inject(CLOSERS) private readonly closers: (() => Promise<void>)[],
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close().catch((err: unknown) => this.logger.warn({ err }, 'bus close failed'));
    for (const close of this.closers)
      await close().catch((err: unknown) => this.logger.warn({ err }, 'close failed'));
  }
}

/**
 * Chooses adapters from configuration: SQLite or MongoDB store, in-process, NATS or Redis bus,
 * memory or Redis presence and limits, log or webhook SMS.
 */
@Global()
@Module({})
export class AdaptersModule {
  static async forRoot(config: AppConfig): Promise<DynamicModule> {
    const usesRedis = Boolean(config.redisUrl);
    const usesNats = config.bus === 'nats' || config.notifications.queue === 'nats';
    const [mongo, nats, redis] = await Promise.all([
      config.store.kind === 'sqlite' ? null : import('@chatter/store-mongo'),
      usesNats ? import('@chatter/bus-nats') : null,
      usesRedis ? import('@chatter/bus-redis') : null,
    ]);
    const providers: Provider[] = [];
    const imports: DynamicModule[] = [];
    const closers: Provider[] = [];

    if (config.store.kind === 'sqlite') {
      const cacheKiB = config.store.cacheMiB * 1024;
      providers.push({
        provide: SQLITE_STORE,
        useFactory: () =>
          SqliteStore.open({ file: join(config.dataDir, 'chatter.sqlite'), cacheKiB }),
      });
      for (const { port, of } of SQLITE_REPOSITORIES) {
        providers.push({ provide: port, inject: [SQLITE_STORE], useFactory: of });
      }
      providers.push({
        provide: STORE_READY,
        inject: [SQLITE_STORE],
        useFactory: (s: SqliteStore) => () => s.isReady(),
      });
      closers.push({
        provide: 'close:store',
        inject: [SQLITE_STORE],
        useFactory: (s: SqliteStore) => () => s.close(),
      });
    } else {
      const { MongoStoreHealth, MongoStoreModule } = mongo!;
      imports.push(MongoStoreModule.forRoot({ uri: config.store.uri }));
      providers.push({
        provide: STORE_READY,
        inject: [MongoStoreHealth],
        useFactory: (h: InstanceType<typeof MongoStoreHealth>) => () => h.isReady(),
      });
    }

    const redisUrl = config.redisUrl;
    if (redisUrl && redis) {
      const {
        RedisConnection,
        RedisDeliveryLedger,
        RedisLoginCodeStore,
        RedisPresenceStore,
        RedisRateLimiter,
      } = redis;
      providers.push({
        provide: REDIS_CONNECTION,
        useFactory: () => RedisConnection.connect(redisUrl, { name: 'chatter' }),
      });
      providers.push({
        provide: PresenceStore,
        inject: [REDIS_CONNECTION],
        useFactory: (c: RedisConnection) => new RedisPresenceStore(c),
      });
      providers.push({
        provide: RateLimiter,
        inject: [REDIS_CONNECTION],
        useFactory: (c: RedisConnection) => new RedisRateLimiter(c),
      });
      providers.push({
        provide: LoginCodeStore,
        inject: [REDIS_CONNECTION],
        useFactory: (c: RedisConnection) => new RedisLoginCodeStore(c),
      });
      providers.push({
        provide: DeliveryLedger,
        inject: [REDIS_CONNECTION],
        useFactory: (c: RedisConnection) => new RedisDeliveryLedger(c),
      });
      closers.push({
        provide: 'close:redis',
        inject: [REDIS_CONNECTION],
        useFactory: (c: RedisConnection) => () => c.close(),
      });
    } else {
      providers.push({ provide: PresenceStore, useFactory: () => new InMemoryPresenceStore() });
      providers.push({ provide: RateLimiter, useFactory: () => new InMemoryRateLimiter() });
      providers.push({ provide: LoginCodeStore, useFactory: () => new InMemoryLoginCodeStore() });
      providers.push({
        provide: DeliveryLedger,
        useFactory: () => new InMemoryDeliveryLedger(new SystemClock()),
      });
    }

    switch (config.bus) {
      case 'memory':
        providers.push({ provide: EventBus, useFactory: () => new InMemoryEventBus() });
        break;
      case 'nats':
        providers.push({
          provide: EventBus,
          inject: [{ token: MetricsService, optional: true }],
          useFactory: (metrics?: MetricsService) =>
            nats!.NatsEventBus.connect(config.natsUrl!, {
              name: 'chatter-api',
              user: config.nats.user,
              password: config.nats.password,
              tls: config.nats.tls,
              tlsCaFile: config.nats.tlsCaFile,
              onHop: metrics && ((seconds) => metrics.busHop('nats', seconds)),
            }),
        });
        break;
      case 'redis':
        providers.push({
          provide: EventBus,
          inject: [REDIS_CONNECTION, { token: MetricsService, optional: true }],
          useFactory: (c: RedisConnection, metrics?: MetricsService) =>
            redis!.RedisEventBus.create(c, {
              onHop: metrics && ((seconds) => metrics.busHop('redis', seconds)),
            }),
        });
        break;
    }

    const smsLogger = new Logger('LoginCodes');
    providers.push({
      provide: SmsSender,
      useFactory: () =>
        config.sms.sender === 'webhook'
          ? new WebhookSmsSender({
              url: config.sms.webhookUrl!,
              timeoutMs: config.sms.webhookTimeoutMs,
            })
          : new LogSmsSender({ warn: (m) => smsLogger.warn(m) }),
    });

    const oidcLogger = new Logger('OpenIdConnect');
    providers.push({
      provide: OidcClient,
      useFactory: () =>
        new OpenidClientOidc(
          (m) => oidcLogger.warn(m),
          allowedTargets(config.oidc.allowPrivateRanges),
        ),
    });

    const files = config.files.storage;
    providers.push({
      provide: FileStorage,
      useFactory: () =>
        files === null
          ? new UnconfiguredFileStorage()
          : files.kind === 's3'
            ? new S3FileStorage(files)
            : new DiskFileStorage(files.dir),
    });

    providers.push({ provide: ContentSniffer, useFactory: () => new FileTypeSniffer() });
    providers.push({ provide: ImageProcessor, useFactory: () => new SharpImageProcessor() });
    providers.push({ provide: MediaProber, useFactory: () => new MusicMetadataProber() });

    const vapid = config.notifications.vapid;
    const pushTargets = allowedTargets(config.notifications.allowPrivateRanges);
    providers.push({
      provide: PushSender,
      useFactory: () =>
        new RoutingPushSender(
          vapid === null
            ? new UnconfiguredPushSender()
            : new WebPushSender({
                keys: vapid.source === 'env' ? vapid : loadOrCreateVapidKeys(config.dataDir),
                subject: config.notifications.vapidSubject,
                timeoutMs: config.notifications.pushTimeoutMs,
                allowTarget: pushTargets,
              }),
          config.notifications.gatewayUrl
            ? new GatewayPushSender({
                url: config.notifications.gatewayUrl,
                timeoutMs: config.notifications.pushTimeoutMs,
                allowTarget: pushTargets,
              })
            : null,
        ),
    });
    providers.push({
      provide: MailSender,
      useFactory: () =>
        config.notifications.smtpUrl
          ? new SmtpMailSender({
              url: config.notifications.smtpUrl,
              from: config.notifications.smtpFrom,
            })
          : new UnconfiguredMailSender(),
    });
    const queueLogger = new Logger('Notifications');
    const onDead = (job: { kind: string }, err: unknown) =>
      queueLogger.warn({ err, job: job.kind }, 'notification given up after retries');
    providers.push({
      provide: NotificationQueue,
      inject: config.notifications.queue === 'redis' ? [REDIS_CONNECTION] : [],
      useFactory: (redisConnection?: RedisConnection) =>
        config.notifications.queue === 'redis'
          ? new redis!.RedisNotificationQueue(redisConnection!, {
              onDead,
              onError: (err) => queueLogger.warn({ err }, 'notification queue failed'),
              ackWaitMs: config.notifications.queueAckWaitMs,
            })
          : config.notifications.queue === 'nats'
            ? nats!.NatsNotificationQueue.connect(config.natsUrl!, config.nats, {
                onDead,
                onError: (err) => queueLogger.warn({ err }, 'notification queue failed'),
                ackWaitMs: config.notifications.queueAckWaitMs,
              })
            : new InProcessNotificationQueue(new SystemClock(), onDead),
    });
    // First: jobs being handled finish (and are acknowledged) while the store and Redis are up.
    closers.unshift({
      provide: 'close:notification-queue',
      inject: [NotificationQueue],
      useFactory: (q: NotificationQueue) => () => q.close(),
    });

    const closerTokens = closers.map((c) => (c as { provide: string }).provide);
    return {
      module: AdaptersModule,
      imports,
      providers: [
        ...providers,
        ...closers,
        {
          provide: CLOSERS,
          inject: closerTokens,
          useFactory: (...fns: (() => Promise<void>)[]) => fns,
        },
        StoreReadiness,
        BusReadiness,
        PresenceReadiness,
        AdapterLifecycle,
      ],
      exports: [
        // The Mongo store module is global and exports the repositories itself.
        ...(config.store.kind === 'sqlite' ? SQLITE_REPOSITORIES.map((r) => r.port) : []),
        EventBus,
        PresenceStore,
        RateLimiter,
        LoginCodeStore,
        SmsSender,
        OidcClient,
        PushSender,
        MailSender,
        NotificationQueue,
        DeliveryLedger,
        FileStorage,
        ContentSniffer,
        ImageProcessor,
        MediaProber,
        StoreReadiness,
        BusReadiness,
        PresenceReadiness,
      ],
    };
  }
}
