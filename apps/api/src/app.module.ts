import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ChatterGraphqlModule } from '@chatter/graphql';
import { AppConfig, AppConfigModule } from './platform/config';
import { DiagnosticsModule } from './platform/diagnostics';
import { HealthModule } from './platform/health';
import { loggingModule } from './platform/logging';
import { graphqlMetricsPlugin, MetricsModule, MetricsService } from './platform/metrics';
import { ShutdownModule } from './platform/shutdown';
import {
  AdaptersModule,
  BusReadiness,
  PresenceReadiness,
  StoreReadiness,
} from './wiring/adapters.module';
import { CoreModule } from './wiring/core.module';
import { queryLimitsFor } from './wiring/query-limits';
import { RealtimeModule } from './wiring/realtime.module';
import { trustedDocumentsFor } from './wiring/trusted-documents';

/** The composition root: configuration picks the adapters; everything else is wired here. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const graphqlLogger = new Logger('GraphQL');
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        loggingModule(),
        MetricsModule,
        ShutdownModule,
        DiagnosticsModule,
        AdaptersModule.forRoot(config),
        CoreModule,
        HealthModule.forRoot({
          checks: [StoreReadiness, BusReadiness, PresenceReadiness],
          required: config.readinessRequires,
        }),
        ChatterGraphqlModule.forRoot({
          limits: queryLimitsFor(config),
          trusted: trustedDocumentsFor(config),
          adminToken: config.auth.adminToken ?? null,
          plugins: {
            inject: [MetricsService],
            useFactory: (metrics: MetricsService) => [graphqlMetricsPlugin(metrics)],
          },
          errorLogger: { error: (context, message) => graphqlLogger.error(context, message) },
        }),
        RealtimeModule,
      ],
    };
  }
}
