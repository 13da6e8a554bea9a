import { ApolloServer } from '@apollo/server';
import { Controller, Get, INestApplication, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundedLabel } from './bounded-label';
import { graphqlMetricsPlugin } from './graphql-metrics.plugin';
import { MetricsModule } from './metrics.module';
import {
  MAX_OPERATION_NAMES,
  METRICS_ROUTE_LOCAL,
  MetricsResponse,
  MetricsService,
} from './metrics.service';

type Labels = Record<string, string | number>;

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (done(value) || i === 50) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function values(
  metrics: MetricsService,
  name: string,
): Promise<{ labels: Labels; value: number }[]> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map((v) => ({ labels: v.labels as Labels, value: v.value }));
}

async function valueOf(
  metrics: MetricsService,
  name: string,
  labels: Labels = {},
): Promise<number | undefined> {
  return (await values(metrics, name)).find((v) =>
    Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  )?.value;
}

describe('MetricsService', () => {
  const services: MetricsService[] = [];
  const create = () => {
    const service = new MetricsService();
    services.push(service);
    return service;
  };
  afterEach(() => services.splice(0).forEach((s) => s.onModuleDestroy()));

  it('tracks WebSocket connections, subscriptions and delivered events', async () => {
    const metrics = create();
    metrics.incWsConnections();
    metrics.incWsConnections();
    metrics.decWsConnections();
    metrics.incSubscriptions();
    for (let i = 0; i < 4; i++) metrics.chatEventDelivered(undefined);
    expect(await valueOf(metrics, 'chatter_ws_connections_open')).toBe(1);
    expect(await valueOf(metrics, 'chatter_subscriptions_active')).toBe(1);
    metrics.decSubscriptions();
    expect(await valueOf(metrics, 'chatter_subscriptions_active')).toBe(0);
    expect(await valueOf(metrics, 'chatter_events_delivered_total', { type: 'chatEvents' })).toBe(
      4,
    );
    // Counted once: a second scrape reads the same total, later deliveries add to it.
    expect(await valueOf(metrics, 'chatter_events_delivered_total', { type: 'chatEvents' })).toBe(
      4,
    );
    metrics.chatEventDelivered(undefined);
    expect(await valueOf(metrics, 'chatter_events_delivered_total', { type: 'chatEvents' })).toBe(
      5,
    );
    metrics.wsConnectionRefused('sockets_per_ip');
    metrics.wsConnectionRefused('sockets_per_ip');
    metrics.wsConnectionRefused('connects_per_ip');
    expect(
      await valueOf(metrics, 'chatter_ws_connections_refused_total', { reason: 'sockets_per_ip' }),
    ).toBe(2);
    expect(
      await valueOf(metrics, 'chatter_ws_connections_refused_total', { reason: 'connects_per_ip' }),
    ).toBe(1);
  });

  it('records the delivery lag of new messages as a histogram', async () => {
    const metrics = create();
    metrics.chatEventDelivered(0.03);
    metrics.chatEventDelivered(7);
    metrics.chatEventDelivered(undefined);
    const text = await metrics.metrics();
    expect(text).toContain('chatter_event_delivery_lag_seconds_bucket{le="0.05"} 1');
    expect(text).toContain('chatter_event_delivery_lag_seconds_bucket{le="10"} 2');
    expect(text).toContain('chatter_event_delivery_lag_seconds_count 2');
  });

  it('records the bus hop per bus as a histogram fine below 10 ms', async () => {
    const metrics = create();
    metrics.busHop('nats', 0.0004);
    metrics.busHop('nats', 0.004);
    metrics.busHop('redis', 2);
    const text = await metrics.metrics();
    expect(text).toContain('chatter_bus_hop_seconds_bucket{le="0.0005",bus="nats"} 1');
    expect(text).toContain('chatter_bus_hop_seconds_bucket{le="0.005",bus="nats"} 2');
    expect(text).toContain('chatter_bus_hop_seconds_count{bus="nats"} 2');
    expect(text).toContain('chatter_bus_hop_seconds_bucket{le="1",bus="redis"} 0');
    expect(text).toContain('chatter_bus_hop_seconds_bucket{le="5",bus="redis"} 1');
  });

  it('exposes default process metrics and event-loop delay quantiles in seconds', async () => {
    const metrics = create();
    // Block the loop once so the monitor records a measurable delay.
    const until = Date.now() + 30;
    while (Date.now() < until) {
      // busy
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = await metrics.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(/chatter_event_loop_delay_seconds\{quantile="0.5"\} \d/);
    const p99 = Number(/chatter_event_loop_delay_seconds\{quantile="0.99"\} (\S+)/.exec(text)?.[1]);
    // A delay in seconds, not nanoseconds: well below a minute.
    expect(p99).toBeGreaterThan(0);
    expect(p99).toBeLessThan(60);
  });

  it('keeps separate registries per instance', async () => {
    const a = create();
    const b = create();
    a.incWsConnections();
    expect(await valueOf(b, 'chatter_ws_connections_open')).toBe(0);
  });
});

describe('BoundedLabel', () => {
  it('collapses new values beyond the limit and truncates long ones', () => {
    const label = new BoundedLabel(2, 'other', 5);
    expect(['a', 'b', 'c', 'a', 'abcdefgh'].map((v) => label.value(v))).toEqual([
      'a',
      'b',
      'other',
      'a',
      'other',
    ]);
  });
});

describe('graphqlMetricsPlugin', () => {
  let metrics: MetricsService;
  let server: ApolloServer;

  afterEach(async () => {
    await server?.stop();
    metrics?.onModuleDestroy();
  });

  async function start() {
    metrics = new MetricsService();
    server = new ApolloServer({
      typeDefs: 'type Query { ok: Int, boom: Int } type Mutation { touch: Boolean }',
      resolvers: {
        Query: {
          ok: () => 1,
          boom: () => {
            throw new Error('boom');
          },
        },
        Mutation: { touch: () => true },
      },
      plugins: [graphqlMetricsPlugin(metrics)],
    });
    await server.start();
  }

  const ops = () => values(metrics, 'chatter_graphql_operations_total');

  it('counts operations by name, type and outcome with durations', async () => {
    await start();
    await server.executeOperation({ query: 'query GetOk { ok }' });
    await server.executeOperation({ query: 'query GetOk { ok }' });
    await server.executeOperation({ query: 'query Boom { boom }' });
    await server.executeOperation({ query: 'mutation { touch }' });
    await server.executeOperation({ query: '{ nope' });
    await server.executeOperation({ query: '{ missingField }' });
    expect(await ops()).toEqual(
      expect.arrayContaining([
        { labels: { operation: 'GetOk', type: 'query', outcome: 'ok' }, value: 2 },
        { labels: { operation: 'Boom', type: 'query', outcome: 'error' }, value: 1 },
        { labels: { operation: 'anonymous', type: 'mutation', outcome: 'ok' }, value: 1 },
        { labels: { operation: 'unknown', type: 'unknown', outcome: 'error' }, value: 2 },
      ]),
    );
    expect(await ops()).toHaveLength(4);
    const count = await valueOf(metrics, 'chatter_graphql_operation_duration_seconds', {
      operation: 'GetOk',
      type: 'query',
      outcome: 'ok',
      le: '+Inf',
    });
    expect(count).toBe(2);
  });

  it(`keeps at most ${MAX_OPERATION_NAMES} distinct operation names`, async () => {
    await start();
    for (let i = 0; i < MAX_OPERATION_NAMES + 5; i++)
      await server.executeOperation({ query: `query Op${i} { ok }` });
    const all = await ops();
    expect(all).toHaveLength(MAX_OPERATION_NAMES + 1);
    expect(all.find((v) => v.labels.operation === 'other')?.value).toBe(5);
    expect(all.find((v) => v.labels.operation === `Op${MAX_OPERATION_NAMES}`)).toBeUndefined();
  });
});

@Controller('items')
class ItemsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }
}

describe('MetricsModule over HTTP', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('serves /metrics and labels requests by matched route, bounded', async () => {
    @Module({ imports: [MetricsModule], controllers: [ItemsController] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    // Middleware mounted before Nest's own (like static files) needs the early hook; requests
    // that then also pass Nest's middleware must still count once.
    app.use(app.get(MetricsService).httpMiddleware());
    // A non-Nest handler labelled through res.locals, as the static middleware does.
    app.use(
      '/assets',
      (_req: unknown, res: MetricsResponse & { locals: Record<string, unknown> }) => {
        res.locals[METRICS_ROUTE_LOCAL] = 'static';
        res.end('x');
      },
    );
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    for (const path of ['/items/1', '/items/2', '/nope/1', '/nope/2', '/assets/a.js'])
      await (await fetch(url + path)).text();

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    await res.text();
    // Requests are recorded when their response finishes, which may trail the client by a tick.
    const text = await eventually(
      () => app!.get(MetricsService).metrics(),
      (t) => t.includes('route="static"'),
    );
    expect(text).toContain(
      'chatter_http_requests_total{method="GET",route="/items/:id",status="200"} 2',
    );
    expect(text).toContain(
      'chatter_http_requests_total{method="GET",route="other",status="404"} 2',
    );
    expect(text).toContain(
      'chatter_http_requests_total{method="GET",route="static",status="200"} 1',
    );
    expect(text).toContain(
      'chatter_http_request_duration_seconds_count{method="GET",route="/items/:id",status="200"} 2',
    );
    expect(text).not.toContain('/nope');
  });
});
