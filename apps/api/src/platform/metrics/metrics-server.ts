import { createServer, Server } from 'node:http';
import { Registry } from 'prom-client';
import { METRICS_PATH } from './metrics.controller';
import type { MetricsService } from './metrics.service';

/**
 * The `/metrics` listener of METRICS_PORT: GET of the exact path only, nothing else, so the
 * port can be left out of every Service and proxy that faces clients.
 */
export async function startMetricsServer(
  metrics: Pick<MetricsService, 'metrics'>,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found\n');
      return;
    }
    metrics.metrics().then(
      (text) => {
        res.writeHead(200, {
          'Content-Type': Registry.PROMETHEUS_CONTENT_TYPE,
          'Cache-Control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  // Scrapes are short; an idle scraper connection must not hold the process at shutdown.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  return server;
}
