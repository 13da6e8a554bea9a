import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Exposes the same gauge prom-client's default metrics do
 * (`nodejs_eventloop_lag_p99_seconds`, reset on every scrape) so the bench reads
 * baselines and Chatter the same way. Instrumentation only, not part of the design.
 */
export function createEventLoopMetrics(): () => string {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return () => {
    const p99 = h.percentile(99) / 1e9;
    const max = h.max / 1e9;
    h.reset();
    return [
      '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
      `nodejs_eventloop_lag_p99_seconds ${Number.isFinite(p99) ? p99 : 0}`,
      '# TYPE nodejs_eventloop_lag_max_seconds gauge',
      `nodejs_eventloop_lag_max_seconds ${Number.isFinite(max) ? max : 0}`,
      '',
    ].join('\n');
  };
}
