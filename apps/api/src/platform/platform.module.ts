import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { DiagnosticsModule } from './diagnostics/diagnostics.module';
import { HealthModule, HealthModuleOptions } from './health/health.module';
import { loggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { ShutdownModule } from './shutdown/shutdown.module';

/**
 * Every platform piece in one import: APP_CONFIG, pino logging, `/healthz` + `/readyz`,
 * `/metrics` + MetricsService, ShutdownService, the opt-in stall sampler. The options name the
 * readiness checks.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig, health: HealthModuleOptions = {}): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        AppConfigModule.forRoot(config),
        loggingModule(),
        HealthModule.forRoot(health),
        MetricsModule,
        ShutdownModule,
        DiagnosticsModule,
      ],
      exports: [ShutdownModule],
    };
  }
}
