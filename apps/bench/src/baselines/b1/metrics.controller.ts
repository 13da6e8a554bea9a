import { Controller, Get, Header } from '@nestjs/common';
import { createEventLoopMetrics } from '../shared/event-loop-metrics';

const render = createEventLoopMetrics();

/** Bench instrumentation (readiness and event-loop delay), not part of the pattern measured. */
@Controller()
export class MetricsController {
  @Get('readyz')
  readyz(): string {
    return 'ok';
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  metrics(): string {
    return render();
  }
}
