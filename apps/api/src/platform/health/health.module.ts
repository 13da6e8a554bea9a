import {
  DynamicModule,
  Global,
  InjectionToken,
  Module,
  ModuleMetadata,
  Provider,
} from '@nestjs/common';
import { DrainState } from './drain-state';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { READINESS_CHECKS, READINESS_REQUIRED, ReadinessCheck } from './readiness-check';

export interface HealthModuleOptions {
  /** Modules that export the check providers. */
  readonly imports?: ModuleMetadata['imports'];
  /** Check providers to instantiate here, for checks no other module provides. */
  readonly providers?: readonly Provider[];
  /** Providers (tokens) implementing {@link ReadinessCheck}; gathered into READINESS_CHECKS. */
  readonly checks?: readonly InjectionToken[];
  /**
   * Names of the checks whose failure makes the instance unready (503). A failing check not
   * listed only degrades `/readyz` (200, `status: "degraded"`). Default: every check.
   */
  readonly required?: readonly string[] | 'all';
}

/**
 * `/healthz` and `/readyz`, plus the global {@link DrainState} and {@link HealthService}.
 * Nest has no multi-providers, so READINESS_CHECKS is built here from the listed tokens;
 * `HealthService.register()` adds checks at runtime too.
 */
@Global()
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    const tokens = [...(options.checks ?? [])];
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        ...(options.providers ?? []),
        DrainState,
        HealthService,
        { provide: READINESS_REQUIRED, useValue: options.required ?? 'all' },
        {
          provide: READINESS_CHECKS,
          useFactory: (...checks: ReadinessCheck[]) => checks,
          inject: tokens,
        },
      ],
      exports: [DrainState, HealthService],
    };
  }
}
