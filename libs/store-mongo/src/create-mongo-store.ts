import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
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
  BotRepository,
  WebhookRepository,
  WebhookQueueRepository,
  IncomingWebhookRepository,
  LinkPreviewRepository,
  BlockRepository,
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
import { MongoBotRepository } from './mongo-bot.repository';
import { MongoWebhookRepository } from './mongo-webhook.repository';
import { MongoWebhookQueueRepository } from './mongo-webhook-queue.repository';
import { MongoIncomingWebhookRepository } from './mongo-incoming-webhook.repository';
import { MongoLinkPreviewRepository } from './mongo-link-preview.repository';
import { MongoBlockRepository } from './mongo-block.repository';
import { MongoContactRepository } from './mongo-contact.repository';
import { MongoConversationRepository } from './mongo-conversation.repository';
import { MongoMessageRepository } from './mongo-message.repository';
import { MongoNotificationRepository } from './mongo-notification.repository';
import { ensureIndexes, modelsOf } from './mongo-models';
import { MongoSessionRepository } from './mongo-session.repository';
import { MongoStoreHealth } from './mongo-store.health';
import { MongoStoreOptions, mongooseConnectOptions } from './mongo-store.options';
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
import { repairContactsByConsent } from './mongo-contacts-repair';

/** The MongoDB store without Nest (contract specs, CLI tools). */
export interface MongoStore {
  tenants: TenantRepository;
  users: UserRepository;
  sessions: SessionRepository;
  contacts: ContactRepository;
  blocks: BlockRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  attachments: AttachmentRepository;
  calls: CallRepository;
  polls: PollRepository;
  notifications: NotificationRepository;
  tenantRoles: TenantRoleRepository;
  oidc: OidcRepository;
  safetySettings: SafetySettingsRepository;
  sanctions: SanctionRepository;
  auditLog: AuditLogRepository;
  reports: ReportRepository;
  scheduledMessages: ScheduledMessageRepository;
  threadFollows: ThreadFollowRepository;
  stars: StarRepository;
  bots: BotRepository;
  webhooks: WebhookRepository;
  webhookQueue: WebhookQueueRepository;
  incomingWebhooks: IncomingWebhookRepository;
  linkPreviews: LinkPreviewRepository;
  /** The underlying connection (for tools and tests). */
  connection: Connection;
  /** Whether multi-step writes run in transactions on this server. */
  usesTransactions(): Promise<boolean>;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connects, creates the indexes, runs one-time repairs and wires the repositories. */
export async function createMongoStore(
  uri: string,
  options: Omit<MongoStoreOptions, 'uri'> = {},
): Promise<MongoStore> {
  const connection = await mongoose
    .createConnection(uri, mongooseConnectOptions(options))
    .asPromise();
  try {
    await ensureIndexes(connection);
    await repairContactsByConsent(connection);
    const m = modelsOf(connection);
    const tx = new MongoTransactions(connection, options);
    const log = new MongoConversationLog(m.conversations, m.events, m.messages, m.members);
    const health = new MongoStoreHealth(connection);
    return {
      tenants: new MongoTenantRepository(m.tenants),
      users: new MongoUserRepository(m.users),
      sessions: new MongoSessionRepository(m.sessions, m.refreshTokens),
      contacts: new MongoContactRepository(m.contacts),
      blocks: new MongoBlockRepository(m.blocks),
      conversations: new MongoConversationRepository(m.conversations, m.members, log, tx),
      messages: new MongoMessageRepository(
        m.messages,
        m.reactions,
        m.members,
        log,
        tx,
        m.attachments,
      ),
      attachments: new MongoAttachmentRepository(m.attachments),
      calls: new MongoCallRepository(m.calls),
      polls: new MongoPollRepository(m.polls, m.messages, log, tx),
      notifications: new MongoNotificationRepository(
        m.notificationSettings,
        m.pushDevices,
        m.members,
      ),
      tenantRoles: new MongoTenantRoleRepository(m.tenantRoles),
      oidc: new MongoOidcRepository(m.oidcProviders, m.oidcIdentities, m.oidcTickets),
      safetySettings: new MongoSafetySettingsRepository(m.safetySettings),
      sanctions: new MongoSanctionRepository(m.sanctions),
      auditLog: new MongoAuditLogRepository(m.auditLog),
      reports: new MongoReportRepository(m.reports),
      scheduledMessages: new MongoScheduledMessageRepository(m.scheduledMessages),
      threadFollows: new MongoThreadFollowRepository(m.threadFollows),
      stars: new MongoStarRepository(m.stars),
      bots: new MongoBotRepository(m.bots),
      webhooks: new MongoWebhookRepository(m.webhooks, m.webhookDeliveries),
      webhookQueue: new MongoWebhookQueueRepository(m.webhookQueue),
      incomingWebhooks: new MongoIncomingWebhookRepository(m.incomingWebhooks),
      linkPreviews: new MongoLinkPreviewRepository(
        m.linkPreviews,
        m.linkPreviewCache,
        m.messages,
        log,
        tx,
      ),
      connection,
      usesTransactions: () => tx.enabled(),
      isReady: () => health.isReady(),
      close: () => connection.close(),
    };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
