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

  /** 200 when every readiness check answers true within 1 s and not draining; else 503. */
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  async readyz(
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<{ status: 'ok' | 'unavailable' | 'draining'; checks: Record<string, boolean> }> {
    const report = await this.health.readiness();
    if (!report.ready) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: report.ready ? 'ok' : report.draining ? 'draining' : 'unavailable',
      checks: { ...report.checks },
    };
  }
}
