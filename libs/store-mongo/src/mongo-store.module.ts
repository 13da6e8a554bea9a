import { DynamicModule, Module, Provider } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  AttachmentRepository,
  CallRepository,
  PollRepository,
  TenantRoleRepository,
  OidcRepository,
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
  ConversationRepository,
  MessageRepository,
  NotificationRepository,
  SessionRepository,
  TenantRepository,
  UserRepository,
} from '@chatter/core';
import { MongoConversationLog } from './conversation-log';
import { MongoAttachmentRepository } from './mongo-attachment.repository';
import { MongoCallRepository } from './mongo-call.repository';
import { MongoPollRepository } from './mongo-poll.repository';
import { MongoBlockRepository } from './mongo-block.repository';
import { MongoBotRepository } from './mongo-bot.repository';
import { MongoWebhookRepository } from './mongo-webhook.repository';
import { MongoWebhookQueueRepository } from './mongo-webhook-queue.repository';
import { MongoIncomingWebhookRepository } from './mongo-incoming-webhook.repository';
import { MongoLinkPreviewRepository } from './mongo-link-preview.repository';
import { MongoContactRepository } from './mongo-contact.repository';
import { MongoConversationRepository } from './mongo-conversation.repository';
import { MongoMessageRepository } from './mongo-message.repository';
import { MongoNotificationRepository } from './mongo-notification.repository';
import { MONGO_STORE_MODELS } from './mongo-models';
import { MongoSessionRepository } from './mongo-session.repository';
import { MongoStoreHealth } from './mongo-store.health';
import { MongoStoreLifecycle } from './mongo-store.lifecycle';
import {
  MONGO_STORE_CONNECTION,
  MONGO_STORE_OPTIONS,
  MongoStoreOptions,
  mongooseConnectOptions,
} from './mongo-store.options';
import { MongoTenantRepository } from './mongo-tenant.repository';
import { MongoTenantRoleRepository } from './mongo-tenant-role.repository';
import { MongoOidcRepository } from './mongo-oidc.repository';
import { MongoSafetySettingsRepository } from './mongo-safety-settings.repository';
import { MongoSanctionRepository } from './mongo-sanction.repository';
import { MongoAuditLogRepository } from './mongo-audit-log.repository';
import { MongoReportRepository } from './mongo-report.repository';
import { MongoScheduledMessageRepository } from './mongo-scheduled-message.repository';
import { MongoStarRepository } from './mongo-star.repository';
import { MongoThreadFollowRepository } from './mongo-thread-follow.repository';
import { MongoTransactions } from './mongo-transactions';
import { MongoUserRepository } from './mongo-user.repository';

/** The ports this store provides; each abstract class is its own DI token. */
const PORTS = [
  TenantRepository,
  UserRepository,
  SessionRepository,
  ContactRepository,
  BlockRepository,
  ConversationRepository,
  MessageRepository,
  AttachmentRepository,
  CallRepository,
  PollRepository,
  NotificationRepository,
  TenantRoleRepository,
  SanctionRepository,
  AuditLogRepository,
  ReportRepository,
  ScheduledMessageRepository,
  ThreadFollowRepository,
  StarRepository,
  BotRepository,
  WebhookRepository,
  WebhookQueueRepository,
  IncomingWebhookRepository,
  LinkPreviewRepository,
  OidcRepository,
  SafetySettingsRepository,
];

const REPOSITORIES: Provider[] = [
  { provide: TenantRepository, useClass: MongoTenantRepository },
  { provide: UserRepository, useClass: MongoUserRepository },
  { provide: SessionRepository, useClass: MongoSessionRepository },
  { provide: ContactRepository, useClass: MongoContactRepository },
  { provide: BlockRepository, useClass: MongoBlockRepository },
  { provide: ConversationRepository, useClass: MongoConversationRepository },
  { provide: MessageRepository, useClass: MongoMessageRepository },
  { provide: AttachmentRepository, useClass: MongoAttachmentRepository },
  { provide: CallRepository, useClass: MongoCallRepository },
  { provide: PollRepository, useClass: MongoPollRepository },
  { provide: NotificationRepository, useClass: MongoNotificationRepository },
  { provide: TenantRoleRepository, useClass: MongoTenantRoleRepository },
  { provide: SanctionRepository, useClass: MongoSanctionRepository },
  { provide: AuditLogRepository, useClass: MongoAuditLogRepository },
  { provide: ReportRepository, useClass: MongoReportRepository },
  { provide: ScheduledMessageRepository, useClass: MongoScheduledMessageRepository },
  { provide: ThreadFollowRepository, useClass: MongoThreadFollowRepository },
  { provide: StarRepository, useClass: MongoStarRepository },
  { provide: BotRepository, useClass: MongoBotRepository },
  { provide: WebhookRepository, useClass: MongoWebhookRepository },
  { provide: WebhookQueueRepository, useClass: MongoWebhookQueueRepository },
  { provide: IncomingWebhookRepository, useClass: MongoIncomingWebhookRepository },
  { provide: LinkPreviewRepository, useClass: MongoLinkPreviewRepository },
  { provide: OidcRepository, useClass: MongoOidcRepository },
  { provide: SafetySettingsRepository, useClass: MongoSafetySettingsRepository },
];

/**
 * The MongoDB store: provides every repository port (the core's abstract classes are the tokens)
 * and `MongoStoreHealth`. Global, so the app imports it once.
 */
@Module({})
export class MongoStoreModule {
  static forRoot(options: MongoStoreOptions): DynamicModule {
    return {
      module: MongoStoreModule,
      global: true,
      imports: [
        MongooseModule.forRootAsync({
          connectionName: MONGO_STORE_CONNECTION,
          useFactory: () => ({ uri: options.uri, ...mongooseConnectOptions(options) }),
        }),
        MongooseModule.forFeature(MONGO_STORE_MODELS, MONGO_STORE_CONNECTION),
      ],
      providers: [
        { provide: MONGO_STORE_OPTIONS, useValue: options },
        MongoTransactions,
        MongoConversationLog,
        MongoStoreLifecycle,
        MongoStoreHealth,
        ...REPOSITORIES,
      ],
      exports: [...PORTS, MongoStoreHealth],
    };
  }
}
