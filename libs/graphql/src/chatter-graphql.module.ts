import { DynamicModule, InjectionToken, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import type { ApolloServerPlugin } from '@apollo/server';
import type { IncomingMessage } from 'node:http';
type Request = IncomingMessage & { ip?: string };
import { ConversationRepository, MessageRepository, UserRepository } from '@chatter/core';
import { AuthGuard } from './context/auth.guard';
import { FilesController } from './files/files.controller';
import { GqlContext } from './context/gql-context';
import { Loaders } from './context/loaders';
import { createErrorFormatter, ErrorLogger } from './errors/format-error';
import { DomainErrorFilter } from './errors/domain-error.filter';
import { AdminResolver, AdminSettings } from './resolvers/admin.resolver';
import { TenantRoleResolver } from './resolvers/tenant-role.resolver';
import { ModerationResolver } from './resolvers/moderation.resolver';
import { AuditLogResolver } from './resolvers/audit-log.resolver';
import { SafetySettingsResolver } from './resolvers/safety-settings.resolver';
import { ReportGroupResolver, ReportResolver } from './resolvers/report.resolver';
import { ScheduledMessageResolver } from './resolvers/scheduled-message.resolver';
import { DisappearingResolver } from './resolvers/disappearing.resolver';
import { AttachmentResolver, MessageAttachmentsResolver } from './resolvers/attachment.resolver';
import { LinkPreviewResolver, MessageLinkPreviewResolver } from './resolvers/link-preview.resolver';
import { CallResolver } from './resolvers/call.resolver';
import { ConversationResolver } from './resolvers/conversation.resolver';
import { IdentityResolver } from './resolvers/identity.resolver';
import { MessageResolver } from './resolvers/message.resolver';
import { ThreadResolver, ThreadSummaryResolver } from './resolvers/thread.resolver';
import { StarResolver } from './resolvers/star.resolver';
import { PollResolver } from './resolvers/poll.resolver';
import { NoticeResolver } from './resolvers/notice.resolver';
import { NotificationResolver } from './resolvers/notification.resolver';
import { NotificationEmailResolver } from './resolvers/notification-email.resolver';
import { UnsubscribeController } from './email/unsubscribe.controller';
import { UserResolver } from './resolvers/user.resolver';
import { WebhookResolver } from './resolvers/webhook.resolver';
import { TenantBotResolver } from './resolvers/tenant-bot.resolver';
import { IncomingWebhookController } from './hooks/incoming-webhook.controller';
import { OidcController } from './oidc/oidc.controller';
import { OidcResolver } from './resolvers/oidc.resolver';
import { ChatEventsResolver } from './realtime/chat-events.resolver';
import {
  MAX_DOCUMENT_TOKENS,
  QueryLimits,
  queryLimitRules,
  stripSuggestions,
} from './security/query-limits';
import { requestLimitsPlugin } from './security/request-limits.plugin';
import { PersistedQueryCache } from './security/persisted-query-cache';
import { TrustedDocuments } from './security/trusted-documents';

export interface ChatterGraphqlOptions {
  limits: QueryLimits;
  /**
   * The persisted-documents manifest: answers hashes, and when enforced is all that runs
   * (trustedDocumentsGuard refuses the rest before Apollo). Defaults to none.
   */
  trusted?: TrustedDocuments;
  adminToken: string | null;
  /** Apollo plugins, built from injected providers (e.g. metrics). */
  plugins: {
    inject: InjectionToken[];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest factories take injected values of any type
    useFactory: (...deps: any[]) => ApolloServerPlugin[];
  };
  errorLogger: ErrorLogger;
}

export const ERROR_LOGGER = Symbol('ERROR_LOGGER');

/** Every resolver of the API (the schema is built from these). */
export const GRAPHQL_RESOLVERS = [
  IdentityResolver,
  UserResolver,
  ConversationResolver,
  MessageResolver,
  ThreadResolver,
  ThreadSummaryResolver,
  StarResolver,
  PollResolver,
  NoticeResolver,
  NotificationResolver,
  NotificationEmailResolver,
  AttachmentResolver,
  MessageAttachmentsResolver,
  MessageLinkPreviewResolver,
  LinkPreviewResolver,
  ChatEventsResolver,
  CallResolver,
  AdminResolver,
  TenantRoleResolver,
  ModerationResolver,
  AuditLogResolver,
  SafetySettingsResolver,
  ReportResolver,
  ReportGroupResolver,
  ScheduledMessageResolver,
  DisappearingResolver,
  WebhookResolver,
  OidcResolver,
  TenantBotResolver,
];

/**
 * The GraphQL API over HTTP (Apollo). Subscriptions are served by WsGateway on the same path,
 * with the schema this module builds. Use cases and ports come from the composition root.
 */
@Module({})
export class ChatterGraphqlModule {
  static forRoot(options: ChatterGraphqlOptions): DynamicModule {
    const formatError = createErrorFormatter(options.errorLogger);
    return {
      module: ChatterGraphqlModule,
      imports: [
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [
            UserRepository,
            MessageRepository,
            ConversationRepository,
            ...options.plugins.inject,
          ],
          useFactory: (
            users: UserRepository,
            messages: MessageRepository,
            conversations: ConversationRepository,
            ...pluginDeps: unknown[]
          ) => ({
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            playground: false,
            graphiql: false,
            introspection: options.limits.introspection,
            csrfPrevention: true,
            // Automatic persisted queries (hash, then text if unknown), answered from the
            // manifest first; registrations are bounded, and refused under trusted documents.
            persistedQueries: {
              cache: new PersistedQueryCache(options.trusted ?? TrustedDocuments.none()),
              ttl: null,
            },
            includeStacktraceInErrorResponses: false,
            hideSchemaDetailsFromClientErrors: !options.limits.introspection,
            allowBatchedHttpRequests: false,
            validationRules: queryLimitRules(options.limits),
            plugins: [
              ...options.plugins.useFactory(...pluginDeps),
              requestLimitsPlugin(options.limits),
            ],
            parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
            buildSchemaOptions: { dateScalarMode: 'isoDate', numberScalarMode: 'integer' },
            context: ({ req }: { req: Request }): GqlContext => ({
              authorization: header(req, 'authorization'),
              actor: null,
              clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
              adminToken: header(req, 'x-admin-token'),
              loaders: new Loaders({ users, messages, conversations }),
            }),
            formatError: (formatted, error) => {
              const result = formatError(formatted, error);
              return options.limits.introspection
                ? result
                : { ...result, message: stripSuggestions(result.message) };
            },
          }),
        }),
      ],
      providers: [
        { provide: AdminSettings, useValue: new AdminSettings(options.adminToken) },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        AuthGuard,
        ...GRAPHQL_RESOLVERS,
      ],
      controllers: [
        FilesController,
        IncomingWebhookController,
        OidcController,
        UnsubscribeController,
      ],
    };
  }
}

function header(req: Request, name: string): string | null {
  const value = req.headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return typeof value === 'string' ? value : null;
}
