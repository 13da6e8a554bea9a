import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import { HealthService } from './health.service';

/** The part of the Express response these handlers use. */
interface StatusResponse {
  status(code: number): unknown;
}

/** Liveness (`/healthz`) and readiness (`/readyz`) probes for load balancers and orchestrators. */
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 `{status:"ok"}` while alive; 503 `{status:"draining"}` once shutdown has begun. */
  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  healthz(@Res({ passthrough: true }) res: StatusResponse): { status: 'ok' | 'draining' } {
    if (this.health.isLive()) return { status: 'ok' };
    res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'draining' };
  }

  /**
   * 200 `ok` when every readiness check answers true within 1 s; 200 `degraded` when only checks
   * that are not required fail (see READINESS_REQUIRES); 503 `unavailable` when a required one
   * fails, 503 `draining` once shutdown has begun.
   */
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  async readyz(@Res({ passthrough: true }) res: StatusResponse): Promise<{
    status: 'ok' | 'degraded' | 'unavailable' | 'draining';
    checks: Record<string, boolean>;
  }> {
    const report = await this.health.readiness();
    if (!report.ready) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: report.draining
        ? 'draining'
        : !report.ready
          ? 'unavailable'
          : report.degraded
            ? 'degraded'
            : 'ok',
      checks: { ...report.checks },
    };
  }
}
