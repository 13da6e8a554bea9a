import type { ModelDefinition } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import { ATTACHMENT_MODEL, AttachmentRecord, AttachmentSchema } from './schemas/attachment.schema';
import { CALL_MODEL, CallRecord, CallSchema } from './schemas/call.schema';
import { POLL_MODEL, PollRecord, PollSchema } from './schemas/poll.schema';
import {
  BLOCK_MODEL,
  BlockRecord,
  BlockSchema,
  CONTACT_MODEL,
  ContactRecord,
  ContactSchema,
} from './schemas/contact.schema';
import {
  CONVERSATION_EVENT_MODEL,
  ConversationEventRecord,
  ConversationEventSchema,
} from './schemas/conversation-event.schema';
import {
  CONVERSATION_MODEL,
  ConversationRecord,
  ConversationSchema,
} from './schemas/conversation.schema';
import {
  NOTIFICATION_SETTING_MODEL,
  NotificationSettingRecord,
  NotificationSettingSchema,
  PUSH_DEVICE_MODEL,
  PushDeviceRecord,
  PushDeviceSchema,
} from './schemas/notification.schema';
import { MEMBER_MODEL, MemberRecord, MemberSchema } from './schemas/member.schema';
import {
  MESSAGE_MODEL,
  MessageRecord,
  MessageSchema,
  REACTION_MODEL,
  ReactionRecord,
  ReactionSchema,
} from './schemas/message.schema';
import {
  REFRESH_TOKEN_MODEL,
  RefreshTokenRecord,
  RefreshTokenSchema,
  SESSION_MODEL,
  SessionRecord,
  SessionSchema,
} from './schemas/session.schema';
import { TENANT_MODEL, TenantRecord, TenantSchema } from './schemas/tenant.schema';
import {
  TENANT_ROLE_MODEL,
  TenantRoleRecord,
  TenantRoleSchema,
} from './schemas/tenant-role.schema';
import { SANCTION_MODEL, SanctionRecord, SanctionSchema } from './schemas/sanction.schema';
import { REPORT_MODEL, ReportRecord, ReportSchema } from './schemas/report.schema';
import { STAR_MODEL, StarRecord, StarSchema } from './schemas/star.schema';
import {
  THREAD_FOLLOW_MODEL,
  ThreadFollowRecord,
  ThreadFollowSchema,
} from './schemas/thread-follow.schema';
import {
  SCHEDULED_MESSAGE_MODEL,
  ScheduledMessageRecord,
  ScheduledMessageSchema,
} from './schemas/scheduled-message.schema';
import {
  SAFETY_SETTINGS_MODEL,
  SafetySettingsRecord,
  SafetySettingsSchema,
} from './schemas/safety-settings.schema';
import {
  AUDIT_ENTRY_MODEL,
  AuditEntryRecord,
  AuditEntrySchema,
} from './schemas/audit-entry.schema';
import { USER_MODEL, UserRecord, UserSchema } from './schemas/user.schema';
import {
  OIDC_IDENTITY_MODEL,
  OIDC_PROVIDER_MODEL,
  OIDC_TICKET_MODEL,
  OidcIdentityRecord,
  OidcIdentitySchema,
  OidcProviderRecord,
  OidcProviderSchema,
  OidcTicketRecord,
  OidcTicketSchema,
} from './schemas/oidc.schema';
import { BOT_MODEL, BotRecord, BotSchema } from './schemas/bot.schema';
import {
  INCOMING_WEBHOOK_MODEL,
  IncomingWebhookRecord,
  IncomingWebhookSchema,
} from './schemas/incoming-webhook.schema';
import {
  WEBHOOK_DELIVERY_MODEL,
  WEBHOOK_MODEL,
  WebhookDeliveryRecord,
  WebhookDeliverySchema,
  WebhookRecord,
  WebhookSchema,
} from './schemas/webhook.schema';
import {
  WEBHOOK_QUEUE_MODEL,
  WebhookQueueRecord,
  WebhookQueueSchema,
} from './schemas/webhook-queue.schema';
import {
  LINK_PREVIEW_CACHE_MODEL,
  LINK_PREVIEW_MODEL,
  LinkPreviewCacheRecord,
  LinkPreviewCacheSchema,
  LinkPreviewRecord,
  LinkPreviewSchema,
} from './schemas/link-preview.schema';

/** Every model of the store, as `MongooseModule.forFeature` takes them. */
export const MONGO_STORE_MODELS: ModelDefinition[] = [
  { name: TENANT_MODEL, schema: TenantSchema },
  { name: USER_MODEL, schema: UserSchema },
  { name: SESSION_MODEL, schema: SessionSchema },
  { name: REFRESH_TOKEN_MODEL, schema: RefreshTokenSchema },
  { name: CONTACT_MODEL, schema: ContactSchema },
  { name: BLOCK_MODEL, schema: BlockSchema },
  { name: CONVERSATION_MODEL, schema: ConversationSchema },
  { name: MEMBER_MODEL, schema: MemberSchema },
  { name: CONVERSATION_EVENT_MODEL, schema: ConversationEventSchema },
  { name: MESSAGE_MODEL, schema: MessageSchema },
  { name: REACTION_MODEL, schema: ReactionSchema },
  { name: ATTACHMENT_MODEL, schema: AttachmentSchema },
  { name: CALL_MODEL, schema: CallSchema },
  { name: POLL_MODEL, schema: PollSchema },
  { name: NOTIFICATION_SETTING_MODEL, schema: NotificationSettingSchema },
  { name: PUSH_DEVICE_MODEL, schema: PushDeviceSchema },
  { name: TENANT_ROLE_MODEL, schema: TenantRoleSchema },
  { name: SANCTION_MODEL, schema: SanctionSchema },
  { name: AUDIT_ENTRY_MODEL, schema: AuditEntrySchema },
  { name: REPORT_MODEL, schema: ReportSchema },
  { name: SCHEDULED_MESSAGE_MODEL, schema: ScheduledMessageSchema },
  { name: THREAD_FOLLOW_MODEL, schema: ThreadFollowSchema },
  { name: STAR_MODEL, schema: StarSchema },
  { name: BOT_MODEL, schema: BotSchema },
  { name: WEBHOOK_MODEL, schema: WebhookSchema },
  { name: WEBHOOK_DELIVERY_MODEL, schema: WebhookDeliverySchema },
  { name: WEBHOOK_QUEUE_MODEL, schema: WebhookQueueSchema },
  { name: INCOMING_WEBHOOK_MODEL, schema: IncomingWebhookSchema },
  { name: LINK_PREVIEW_MODEL, schema: LinkPreviewSchema },
  { name: LINK_PREVIEW_CACHE_MODEL, schema: LinkPreviewCacheSchema },
  { name: OIDC_PROVIDER_MODEL, schema: OidcProviderSchema },
  { name: OIDC_IDENTITY_MODEL, schema: OidcIdentitySchema },
  { name: OIDC_TICKET_MODEL, schema: OidcTicketSchema },
  { name: SAFETY_SETTINGS_MODEL, schema: SafetySettingsSchema },
];

/** The store's models on one connection. */
export interface MongoStoreModels {
  tenants: Model<TenantRecord>;
  users: Model<UserRecord>;
  sessions: Model<SessionRecord>;
  refreshTokens: Model<RefreshTokenRecord>;
  contacts: Model<ContactRecord>;
  blocks: Model<BlockRecord>;
  conversations: Model<ConversationRecord>;
  members: Model<MemberRecord>;
  events: Model<ConversationEventRecord>;
  messages: Model<MessageRecord>;
  reactions: Model<ReactionRecord>;
  attachments: Model<AttachmentRecord>;
  calls: Model<CallRecord>;
  polls: Model<PollRecord>;
  notificationSettings: Model<NotificationSettingRecord>;
  pushDevices: Model<PushDeviceRecord>;
  tenantRoles: Model<TenantRoleRecord>;
  sanctions: Model<SanctionRecord>;
  auditLog: Model<AuditEntryRecord>;
  reports: Model<ReportRecord>;
  scheduledMessages: Model<ScheduledMessageRecord>;
  threadFollows: Model<ThreadFollowRecord>;
  stars: Model<StarRecord>;
  bots: Model<BotRecord>;
  webhooks: Model<WebhookRecord>;
  webhookDeliveries: Model<WebhookDeliveryRecord>;
  webhookQueue: Model<WebhookQueueRecord>;
  incomingWebhooks: Model<IncomingWebhookRecord>;
  linkPreviews: Model<LinkPreviewRecord>;
  linkPreviewCache: Model<LinkPreviewCacheRecord>;
  oidcProviders: Model<OidcProviderRecord>;
  oidcIdentities: Model<OidcIdentityRecord>;
  oidcTickets: Model<OidcTicketRecord>;
  safetySettings: Model<SafetySettingsRecord>;
}

/** Registers (or reuses) every model on the connection. */
export function modelsOf(connection: Connection): MongoStoreModels {
  const get = <T>(name: string): Model<T> => {
    const definition = MONGO_STORE_MODELS.find((d) => d.name === name)!;
    return (
      (connection.models[name] as Model<T> | undefined) ??
      connection.model<T>(name, definition.schema)
    );
  };
  return {
    tenants: get<TenantRecord>(TENANT_MODEL),
    users: get<UserRecord>(USER_MODEL),
    sessions: get<SessionRecord>(SESSION_MODEL),
    refreshTokens: get<RefreshTokenRecord>(REFRESH_TOKEN_MODEL),
    contacts: get<ContactRecord>(CONTACT_MODEL),
    blocks: get<BlockRecord>(BLOCK_MODEL),
    conversations: get<ConversationRecord>(CONVERSATION_MODEL),
    members: get<MemberRecord>(MEMBER_MODEL),
    events: get<ConversationEventRecord>(CONVERSATION_EVENT_MODEL),
    messages: get<MessageRecord>(MESSAGE_MODEL),
    reactions: get<ReactionRecord>(REACTION_MODEL),
    attachments: get<AttachmentRecord>(ATTACHMENT_MODEL),
    calls: get<CallRecord>(CALL_MODEL),
    polls: get<PollRecord>(POLL_MODEL),
    notificationSettings: get<NotificationSettingRecord>(NOTIFICATION_SETTING_MODEL),
    pushDevices: get<PushDeviceRecord>(PUSH_DEVICE_MODEL),
    tenantRoles: get<TenantRoleRecord>(TENANT_ROLE_MODEL),
    sanctions: get<SanctionRecord>(SANCTION_MODEL),
    auditLog: get<AuditEntryRecord>(AUDIT_ENTRY_MODEL),
    reports: get<ReportRecord>(REPORT_MODEL),
    scheduledMessages: get<ScheduledMessageRecord>(SCHEDULED_MESSAGE_MODEL),
    threadFollows: get<ThreadFollowRecord>(THREAD_FOLLOW_MODEL),
    stars: get<StarRecord>(STAR_MODEL),
    bots: get<BotRecord>(BOT_MODEL),
    webhooks: get<WebhookRecord>(WEBHOOK_MODEL),
    webhookDeliveries: get<WebhookDeliveryRecord>(WEBHOOK_DELIVERY_MODEL),
    webhookQueue: get<WebhookQueueRecord>(WEBHOOK_QUEUE_MODEL),
    incomingWebhooks: get<IncomingWebhookRecord>(INCOMING_WEBHOOK_MODEL),
    linkPreviews: get<LinkPreviewRecord>(LINK_PREVIEW_MODEL),
    linkPreviewCache: get<LinkPreviewCacheRecord>(LINK_PREVIEW_CACHE_MODEL),
    oidcProviders: get<OidcProviderRecord>(OIDC_PROVIDER_MODEL),
    oidcIdentities: get<OidcIdentityRecord>(OIDC_IDENTITY_MODEL),
    oidcTickets: get<OidcTicketRecord>(OIDC_TICKET_MODEL),
    safetySettings: get<SafetySettingsRecord>(SAFETY_SETTINGS_MODEL),
  };
}

/**
 * Creates every collection's indexes (creating the collections too). Uses plain `createIndexes`,
 * never `syncIndexes`, which would also drop indexes it does not know.
 */
export async function ensureIndexes(connection: Connection): Promise<void> {
  const models = Object.values(modelsOf(connection));
  for (const model of models) {
    await model.init();
    await model.createIndexes();
  }
}
