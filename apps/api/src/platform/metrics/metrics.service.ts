import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabel } from './bounded-label';

/** Express adds these to Node's request; all optional so plain Node requests work too. */
export type MetricsRequest = IncomingMessage & {
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: unknown };
};
export type MetricsResponse = ServerResponse & { locals?: Record<string, unknown> };

/** Set `res.locals[METRICS_ROUTE_LOCAL]` to label a request that no router matched (e.g. `static`). */
export const METRICS_ROUTE_LOCAL = 'metricsRoute';

/** Routes that are not Nest controllers but deserve their own label. */
const KNOWN_ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Fine below 10 ms, where a healthy hop lies (issue #18's target: NATS p99 ≤ 5 ms). */
const BUS_HOP_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
  5,
];

export type GraphqlOperationType = 'query' | 'mutation' | 'subscription' | 'unknown';
export type GraphqlOutcome = 'ok' | 'error';

/** Label value of operations without a name, and of requests that never resolved an operation. */
export const ANONYMOUS_OPERATION = 'anonymous';
export const UNKNOWN_OPERATION = 'unknown';
/** Most distinct operation names kept as labels; later names count as `other`. */
export const MAX_OPERATION_NAMES = 200;

/**
 * Prometheus metrics of this instance, on a private registry (so several apps can coexist in one
 * process, as in tests): default process metrics, HTTP, GraphQL operations, WebSocket
 * connections and subscriptions, delivered events, the bus hop and event-loop delay.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly graphqlOperations: Counter<'operation' | 'type' | 'outcome'>;
  private readonly graphqlDuration: Histogram<'operation' | 'type' | 'outcome'>;
  private readonly wsConnections: Gauge;
  private readonly wsRefused: Counter<'reason'>;
  private readonly subscriptions: Gauge;
  private readonly eventsDeliveredTotal: Counter<'type'>;
  private readonly deliveryLagSeconds: Histogram;
  private readonly busHopSeconds: Histogram<'bus'>;
  private readonly eventLoopDelay: IntervalHistogram;
  private readonly operationNames = new BoundedLabel(MAX_OPERATION_NAMES);
  private readonly observed = new WeakSet<object>();
  /**
   * chatEvents deliveries not yet added to chatter_events_delivered_total: a plain number on the
   * delivery path (once per subscriber per event), added to the counter when it is collected.
   */
  private chatEventDeliveries = 0;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'chatter_http_requests_total',
      help: 'HTTP requests by method, matched route and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'chatter_http_request_duration_seconds',
      help: 'HTTP request duration by method, matched route and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.graphqlOperations = new Counter({
      name: 'chatter_graphql_operations_total',
      help: `GraphQL operations over HTTP by operation name (at most ${MAX_OPERATION_NAMES}, then "other"), type and outcome.`,
      labelNames: ['operation', 'type', 'outcome'],
      registers,
    });
    this.graphqlDuration = new Histogram({
      name: 'chatter_graphql_operation_duration_seconds',
      help: 'GraphQL operation duration over HTTP by operation name, type and outcome.',
      labelNames: ['operation', 'type', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.wsConnections = new Gauge({
      name: 'chatter_ws_connections_open',
      help: 'Open graphql-ws WebSocket connections.',
      registers,
    });
    this.wsRefused = new Counter({
      name: 'chatter_ws_connections_refused_total',
      help: 'WebSocket upgrades refused with 429 by a per-address limit, by reason (sockets_per_ip, connects_per_ip).',
      labelNames: ['reason'],
      registers,
    });
    this.subscriptions = new Gauge({
      name: 'chatter_subscriptions_active',
      help: 'Active GraphQL subscriptions.',
      registers,
    });
    this.eventsDeliveredTotal = new Counter({
      name: 'chatter_events_delivered_total',
      help: 'Subscription events delivered to clients, by event type.',
      labelNames: ['type'],
      registers,
      collect: () => this.collectChatEventDeliveries(),
    });
    this.deliveryLagSeconds = new Histogram({
      name: 'chatter_event_delivery_lag_seconds',
      help: 'Time from a message being created to its MessageAdded reaching a subscriber (replays of older messages included).',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });

    this.busHopSeconds = new Histogram({
      name: 'chatter_bus_hop_seconds',
      help: 'Time from an event being published on the bus (by any instance) to its arrival here, by bus. The publish time travels with the event; across machines the figure includes their clock skew (negative counts as 0).',
      labelNames: ['bus'],
      buckets: BUS_HOP_BUCKETS,
      registers,
    });

    this.eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.eventLoopDelay.enable();
    const loop = this.eventLoopDelay;
    new Gauge({
      name: 'chatter_event_loop_delay_seconds',
      help: 'Event-loop delay percentiles (p50, p99) since the previous scrape.',
      labelNames: ['quantile'],
      registers,
      collect() {
        // Percentiles are in nanoseconds; reset so each scrape covers its own interval.
        this.set({ quantile: '0.5' }, loop.count > 0 ? loop.percentile(50) / 1e9 : 0);
        this.set({ quantile: '0.99' }, loop.count > 0 ? loop.percentile(99) / 1e9 : 0);
        loop.reset();
      },
    });
  }

  /** The exposition text for `/metrics`. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Times one HTTP request until its response finishes (or the connection closes). Calling it
   * again for the same request does nothing, so it may sit in several middleware chains.
   */
  observeHttp(req: MetricsRequest, res: MetricsResponse): void {
    if (this.observed.has(req)) return;
    this.observed.add(req);
    const start = process.hrtime.bigint();
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      const labels = {
        method: METHODS.has(req.method ?? '') ? req.method! : 'OTHER',
        route: routeLabel(req, res),
        status: res.headersSent || res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      this.httpRequests.inc(labels);
      this.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    };
    res.once('finish', record);
    res.once('close', record);
  }

  /** Express-style middleware around {@link observeHttp}. */
  httpMiddleware(): (req: MetricsRequest, res: MetricsResponse, next: () => void) => void {
    return (req, res, next) => {
      this.observeHttp(req, res);
      next();
    };
  }

  /** Records one GraphQL operation (see graphqlMetricsPlugin). */
  recordGraphqlOperation(
    name: string | null | undefined,
    type: GraphqlOperationType,
    outcome: GraphqlOutcome,
    seconds: number,
  ): void {
    const operation =
      name === undefined
        ? UNKNOWN_OPERATION
        : name === null || name === ''
          ? ANONYMOUS_OPERATION
          : this.operationNames.value(name);
    const labels = { operation, type, outcome };
    this.graphqlOperations.inc(labels);
    this.graphqlDuration.observe(labels, seconds);
  }

  incWsConnections(): void {
    this.wsConnections.inc();
  }

  decWsConnections(): void {
    this.wsConnections.dec();
  }

  /** Counts an upgrade refused by a per-address limit (`sockets_per_ip` or `connects_per_ip`). */
  wsConnectionRefused(reason: 'sockets_per_ip' | 'connects_per_ip'): void {
    this.wsRefused.inc({ reason });
  }

  incSubscriptions(): void {
    this.subscriptions.inc();
  }

  decSubscriptions(): void {
    this.subscriptions.dec();
  }

  /**
   * Counts one chatEvents item written to a subscriber (and, for a new message, its delivery lag).
   * Called once per subscriber per event: the count is kept in a number until a scrape reads it.
   */
  chatEventDelivered(lagSeconds: number | undefined): void {
    this.chatEventDeliveries++;
    if (lagSeconds !== undefined) this.deliveryLagSeconds.observe(lagSeconds);
  }

  private collectChatEventDeliveries(): void {
    const count = this.chatEventDeliveries;
    if (count === 0) return;
    this.chatEventDeliveries = 0;
    this.eventsDeliveredTotal.inc({ type: 'chatEvents' }, count);
  }

  /** Records one bus message's hop from its publisher to this instance (see bus-envelope). */
  busHop(bus: 'nats' | 'redis', seconds: number): void {
    this.busHopSeconds.observe({ bus }, seconds);
  }

  onModuleDestroy(): void {
    this.eventLoopDelay.disable();
  }
}

function routeLabel(req: MetricsRequest, res: MetricsResponse): string {
  const local = res.locals?.[METRICS_ROUTE_LOCAL];
  if (typeof local === 'string') return local;
  // Wildcard routes are middleware mounts (Nest's own included), not endpoints.
  const route = req.route?.path;
  if (typeof route === 'string' && !route.includes('*')) return `${req.baseUrl ?? ''}${route}`;
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0]!;
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return KNOWN_ROUTES.has(trimmed) ? trimmed : 'other';
}
