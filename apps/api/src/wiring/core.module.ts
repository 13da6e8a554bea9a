import { Global, Logger, Module } from '@nestjs/common';
import {
  Authenticate,
  ChatStreams,
  Clock,
  ConversationWatch,
  ConversationAccess,
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
  SendMessages,
  SessionIssuer,
  SystemClock,
  TokenService,
  TopicRouter,
  UpdateConversation,
  UpdateProfile,
  UserActivity,
  UserViewPolicy,
  VerifyLoginCode,
} from '@chatter/core';
import { APP_CONFIG, AppConfig } from '../platform/config';

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
  UpdateConversation,
  SendMessages,
  Receipts,
  MessageQueries,
  MessageRequests,
  RealtimePublisher,
  TopicRouter,
  ConversationWatch,
  ChatStreams,
  PresenceService,
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
        }),
    },
    { provide: Clock, useClass: SystemClock },
    { provide: UserActivity, useExisting: PresenceService },
    { provide: PublishErrorReporter, useClass: LoggingPublishErrorReporter },
    ...USE_CASES,
  ],
  exports: [CoreSettings, Clock, UserActivity, ...USE_CASES],
})
export class CoreModule {}
