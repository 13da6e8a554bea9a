import { Controller, Get, Header, Inject, NotFoundException, Optional, Req } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { MetricsService } from './metrics.service';

/** The exact path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/**
 * Prometheus scrape endpoint on the main port, unless METRICS_PORT moves it to a listener of its
 * own (metrics-server.ts). Express routes ignore case and a trailing slash; proxies that block
 * `/metrics` match it exactly, so this handler answers the exact path only (`/METRICS`,
 * `/metrics/` and the like get 404).
 */
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Optional() @Inject(APP_CONFIG) private readonly config?: Pick<AppConfig, 'http'>,
  ) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(@Req() req: { path: string }): Promise<string> {
    if (req.path !== METRICS_PATH || this.config?.http.metricsPort !== undefined)
      throw new NotFoundException();
    return this.metrics.metrics();
  }
}
