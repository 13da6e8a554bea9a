import { Global, Logger, Module } from '@nestjs/common';
import {
  AttachmentAccess,
  AttachmentLifecycle,
  Authenticate,
  FileTokens,
  Uploads,
  ChatStreams,
  Clock,
  ConversationWatch,
  ConversationAccess,
  ConversationNotices,
  ConversationQueries,
  CoreSettings,
  CreateConversations,
  GetUsers,
  LoginCodeHasher,
  Logout,
  ManageBlocks,
  ManageContacts,
  ManageMembers,
  ManageTenants,
  TenantSecretRotations,
  MessageQueries,
  MessageRequests,
  PresenceService,
  PublishErrorReporter,
  RealtimeEvent,
  RealtimePublisher,
  Receipts,
  RefreshSession,
  RequestLoginCode,
  ResolveMentions,
  SendMessages,
  SessionIssuer,
  SystemClock,
  TokenService,
  TopicRouter,
  UpdateProfile,
  UserViewPolicy,
  VerifyLoginCode,
} from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';
import { AttachmentSweeper } from './attachment-sweeper';

class LoggingPublishErrorReporter extends PublishErrorReporter {
  private readonly logger = new Logger('RealtimePublisher');
  report(error: unknown, event: RealtimeEvent): void {
    // Clients recover from the store; this only tells operators the bus hiccuped.
    this.logger.warn({ err: error, eventType: event.type }, 'publish failed');
  }
}

const USE_CASES = [
  TokenService,
  SessionIssuer,
  LoginCodeHasher,
  Authenticate,
  RequestLoginCode,
  VerifyLoginCode,
  RefreshSession,
  Logout,
  GetUsers,
  UpdateProfile,
  UserViewPolicy,
  ManageContacts,
  ManageBlocks,
  ManageTenants,
  TenantSecretRotations,
  ConversationAccess,
  CreateConversations,
  ManageMembers,
  ConversationQueries,
  SendMessages,
  ResolveMentions,
  Receipts,
  MessageQueries,
  MessageRequests,
  ConversationNotices,
  RealtimePublisher,
  TopicRouter,
  ConversationWatch,
  ChatStreams,
  PresenceService,
  FileTokens,
  Uploads,
  AttachmentAccess,
  AttachmentLifecycle,
];

/** The domain's use cases, wired to whichever adapters AdaptersModule chose. */
@Global()
@Module({
  providers: [
    {
      provide: CoreSettings,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new CoreSettings({
          jwtSecret: config.auth.jwtSecret,
          accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
          refreshTokenTtlDays: config.auth.refreshTokenTtlDays,
          replayLimit: config.realtime.replayLimit,
          presenceTtlMs: config.realtime.presenceTtlMs,
          awayAfterMs: config.realtime.awayAfterMs,
          typingTtlMs: config.realtime.typingTtlMs,
          smsPerTenant: { limit: config.sms.perTenantPerHour, windowMs: 3_600_000 },
          smsGlobal: { limit: config.sms.perHour, windowMs: 3_600_000 },
          appTokenAudience: config.auth.appTokenAudience,
          appTokenRequireAudience: config.auth.appTokenRequireAudience,
          codesPerPhone: { limit: config.limits.loginCodesPerPhone, windowMs: 15 * 60_000 },
          codesPerIp: { limit: config.limits.loginCodesPerIp, windowMs: 15 * 60_000 },
          verifyPerIp: { limit: config.limits.loginVerifiesPerIp, windowMs: 15 * 60_000 },
          sendsPerUser: { limit: config.limits.sendsPerUser, windowMs: 10_000 },
          writesPerUser: { limit: config.limits.writesPerUser, windowMs: 10_000 },
          uploadMaxBytes: config.files.uploadMaxBytes,
          uploadUserQuotaBytes: config.files.userQuotaBytes,
          uploadTenantQuotaBytes: config.files.tenantQuotaBytes,
          downloadUrlTtlSeconds: config.files.linkTtlSeconds,
          unattachedUploadTtlMs: config.files.unsentUploadTtlSeconds * 1000,
          attachmentDeleteGraceMs: config.files.deleteGraceSeconds * 1000,
        }),
    },
    { provide: Clock, useClass: SystemClock },
    { provide: PublishErrorReporter, useClass: LoggingPublishErrorReporter },
    ...USE_CASES,
    AttachmentSweeper,
  ],
  exports: [CoreSettings, Clock, ...USE_CASES],
})
export class CoreModule {}
