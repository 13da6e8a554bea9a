import { Injectable, NestMiddleware } from '@nestjs/common';
import { MetricsRequest, MetricsResponse, MetricsService } from './metrics.service';

/** Times every HTTP request (applied to all routes by MetricsModule). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware<MetricsRequest, MetricsResponse> {
  constructor(private readonly metrics: MetricsService) {}

  use(req: MetricsRequest, res: MetricsResponse, next: () => void): void {
    this.metrics.observeHttp(req, res);
    next();
  }
}
