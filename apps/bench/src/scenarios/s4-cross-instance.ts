import { randomBytes } from 'node:crypto';
import { startMongo, startNats, startRedis, type Service } from '../servers/services';
import { parsePrometheus } from '../stats/prometheus';
import {
  histogramDelta,
  histogramQuantile,
  mergeHistograms,
  promHistogram,
  type PromHistogram,
} from '../stats/prom-histogram';
import {
  debug,
  r1,
  r2,
  roomsOf,
  withSession,
  type BenchOptions,
  type PhaseResult,
  type Session,
} from './harness';
import {
  addRaw,
  checkPhase,
  LATENCY_COLUMNS,
  table,
  targetsFor,
  type Scenario,
  headline,
} from './scenario';

interface Variant {
  label: string;
  instances: number;
  env: Record<string, string>;
}

/** mongodb://host/db?opts → mongodb://host/db-n?opts (db defaults to chatter-bench). */
export function withDatabaseSuffix(uri: string, n: number): string {
  // Not WHATWG URL: MongoDB URIs may list several hosts.
  const m = /^([a-z+]+:\/\/)([^/?]*)\/?([^?]*)(\?.*)?$/.exec(uri);
  if (!m) throw new Error(`not a MongoDB URI: ${uri}`);
  return `${m[1]}${m[2]}/${m[3] || 'chatter-bench'}-${n}${m[4] ?? ''}`;
}

/**
 * Users (in rooms of 10) and the send rate. The rate is a load the store sustains with room to
 * spare, so the hop is not drowned in queueing: found by a ramp on the one-instance setup
 * (`'ramp'`), or given by BENCH_S4_RATE. 5,000 users on a real MongoDB, a tenth on the jongodb
 * test engine (each connection's subscription start reads the store).
 */
export function clusterWorkload(
  opts: { smoke: boolean; scale: number },
  realMongo: boolean,
  env: Record<string, string | undefined> = process.env,
): { users: number; rate: number | 'ramp' } {
  const fixed = Number(env['BENCH_S4_RATE']);
  const rate = Number.isFinite(fixed) && fixed > 0 ? fixed : undefined;
  if (opts.smoke) return { users: 40, rate: rate ?? 10 };
  const f = realMongo ? 1 : 0.1;
  return { users: Math.max(20, Math.round(5000 * opts.scale * f)), rate: rate ?? 'ramp' };
}

/** The bus-hop histogram's figures over one phase, merged across the instances. */
export interface HopFigures {
  p50: number;
  p99: number;
  count: number;
}

export interface RampStep {
  rate: number;
  p50: number;
  p99: number;
  lost: number;
  sendErrors: number;
  /** Chatter's CPU and the store's (the jongodb process, when it is ours), % of one core. */
  serverCpuPct: number;
  storeCpuPct: number | null;
}

interface Measured {
  phase: PhaseResult;
  rate: number;
  hop?: HopFigures;
  ramp: RampStep[];
  storeCpuPct: number | null;
  storeCpuUs: number | null;
}

/** Ramp steps (msgs/s) on the one-instance setup, doubling until one does not pass. */
export const RAMP_RATES = [5, 10, 20, 40, 80, 160];
/** A step passes with p99 within this bound, or near the lowest rate's latency (see stepPasses). */
export const RAMP_P99_MS = 50;
/** Fewest messages in a measured step, so the hop p99 rests on hundreds of observations. */
export const MIN_MEASURED_MESSAGES = 200;

/**
 * Whether the store sustains a ramp step: nothing lost or refused, and either p99 within
 * RAMP_P99_MS or, when even the lowest rate is over that (the floor of a send's sequential store
 * round trips on a slow engine, or a busy machine, rather than queueing), no queueing yet: p50
 * within 1.5 × the lowest rate's p50 + 10 ms and p99 within twice the lowest rate's p99.
 */
export function stepPasses(step: RampStep, first: RampStep): boolean {
  if (step.lost > 0 || step.sendErrors > 0) return false;
  if (step.p99 <= RAMP_P99_MS) return true;
  return step.p50 <= 1.5 * first.p50 + 10 && step.p99 <= 2 * first.p99;
}

/** The highest rate of the passing steps before the first failing one; the lowest when none passed. */
export function sustainedRate(steps: readonly RampStep[]): number {
  const first = steps[0];
  let best = first?.rate ?? (RAMP_RATES[0] as number);
  for (const step of steps) {
    if (!first || !stepPasses(step, first)) break;
    best = step.rate;
  }
  return best;
}

const metricsUrl = (httpUrl: string): string => new URL('/metrics', httpUrl).toString();

async function scrapeHop(s: Session, bus: string): Promise<(PromHistogram | undefined)[]> {
  return Promise.all(
    s.target.endpoints.map(async (e) => {
      try {
        const res = await fetch(metricsUrl(e.httpUrl), { signal: AbortSignal.timeout(5000) });
        return promHistogram(parsePrometheus(await res.text()), 'chatter_bus_hop_seconds', { bus });
      } catch {
        return undefined;
      }
    }),
  );
}

/** p50/p99 in ms of what every instance observed between the two scrapes. */
export function hopFigures(
  before: readonly (PromHistogram | undefined)[],
  after: readonly (PromHistogram | undefined)[],
): HopFigures | undefined {
  const deltas = after.flatMap((h, i) => (h ? [histogramDelta(h, before[i])] : []));
  const merged = mergeHistograms(deltas);
  if (!merged || merged.count <= 0) return undefined;
  const q = (x: number): number => r2((histogramQuantile(x, merged) ?? 0) * 1000);
  return { p50: q(0.5), p99: q(0.99), count: merged.count };
}

async function e2eOverInstances(
  opts: BenchOptions,
  v: Variant,
  rate: number | 'ramp',
  storeCpuUs: () => number | undefined,
): Promise<Measured> {
  const { users } = clusterWorkload(opts, !!process.env.MONGODB_URI);
  const durationS = opts.durationS;
  const bus = v.env['BUS'] as string;
  return withSession(
    'chatter',
    opts,
    async (s) => {
      const rooms = roomsOf(Math.floor(users / 10), 10);
      const keys = await s.target.createRooms(
        rooms.map((members) => ({ members })),
        'cluster',
      );
      // Alternate instances member by member: about half of every room's recipients are on the other instance.
      const specs = await Promise.all(
        rooms.flatMap((members, r) =>
          members.map((u) => s.spec(u, [keys[r] as string], true, u % v.instances)),
        ),
      );
      const opened = await s.open(specs);
      if (opened.failed)
        throw new Error(`${opened.failed} connections failed: ${JSON.stringify(opened.errors)}`);
      // Gentle: the MongoDB test engine is slow, and this only proves the subscriptions are live.
      const warm = await s.warmup(keys, rooms, { maxRate: 20 });
      if (!warm.ok) throw new Error(warm.detail);
      // The store's CPU over a phase, next to Chatter's (which the phase measures itself).
      const storePct = async (run: () => Promise<PhaseResult>) => {
        const c0 = storeCpuUs();
        const p = await run();
        const c1 = storeCpuUs();
        const us = c0 !== undefined && c1 !== undefined ? c1 - c0 : null;
        const pct = us === null ? null : r1((us / (p.windowS * 1e6)) * 100);
        return { p, storeCpuPct: pct, storeCpuUs: us };
      };
      const ramp: RampStep[] = [];
      let chosen: number;
      if (rate === 'ramp') {
        // Short steps, doubling, until the store falls behind.
        const stepS = Math.min(durationS, 3);
        for (const r of RAMP_RATES) {
          const { p, storeCpuPct } = await storePct(() =>
            s.phase({
              roomKeys: keys,
              senders: rooms,
              rate: r,
              total: Math.max(20, Math.round(r * stepS)),
            }),
          );
          await s.settle();
          const step: RampStep = {
            rate: r,
            p50: p.latency.p50,
            p99: p.latency.p99,
            lost: p.lost,
            sendErrors: p.sendErrors,
            serverCpuPct: r1(p.serverCpuPct),
            storeCpuPct,
          };
          ramp.push(step);
          debug(
            `ramp ${r}/s: p50 ${step.p50} ms, p99 ${step.p99} ms, CPU ${step.serverCpuPct}% + store ${storeCpuPct}%`,
          );
          if (!stepPasses(step, ramp[0] as RampStep)) break;
        }
        chosen = sustainedRate(ramp);
      } else chosen = rate;
      const before = await scrapeHop(s, bus);
      const {
        p: phase,
        storeCpuPct,
        storeCpuUs: storeUs,
      } = await storePct(() =>
        s.phase({
          roomKeys: keys,
          senders: rooms,
          rate: chosen,
          total: Math.max(opts.smoke ? 20 : MIN_MEASURED_MESSAGES, Math.round(chosen * durationS)),
        }),
      );
      const hop = hopFigures(before, await scrapeHop(s, bus));
      return { phase, rate: chosen, hop, ramp, storeCpuPct, storeCpuUs: storeUs };
    },
    { instances: v.instances, env: v.env, label: `Chatter ${v.label}` },
  );
}

/**
 * Scenario 4 (Chatter only): scenario 2's shape over two instances sharing MongoDB, with NATS
 * then Redis as the bus, at a rate the store sustains, against one instance of the same setup;
 * and the hop itself from each instance's chatter_bus_hop_seconds.
 */
export const crossInstance: Scenario = {
  id: 4,
  name: 'Cross-instance',
  chatterOnly: true,
  description:
    'Users in groups of 10 with every other member connected to the other instance and senders posting over HTTP to their own instance; the instances share a MongoDB store and Redis (presence, rate limits) and use NATS, then Redis, as the event bus. The send rate is one the store sustains (a short ramp on one instance picks the highest before latency climbs off its floor), the same for every setup. Added latency is two instances against one instance of the same cluster setup (Chatter refuses the in-process bus with MongoDB); the hop is also measured directly: each instance observes publish → arrival of every bus message in chatter_bus_hop_seconds (the publish time travels with the message), read from /metrics before and after the step.',
  async run(opts, result) {
    if (targetsFor(opts, result, true).length === 0) return;
    const t = table([
      { key: 'variant', label: 'setup' },
      { key: 'rate', label: 'msgs/s' },
      ...LATENCY_COLUMNS,
      { key: 'addP50', label: 'added p50 ms' },
      { key: 'addP99', label: 'added p99 ms' },
      { key: 'hopP50', label: 'hop p50 ms' },
      { key: 'hopP99', label: 'hop p99 ms' },
      { key: 'hops', label: 'hops' },
      { key: 'serverCpu', label: 'Chatter CPU %' },
      { key: 'storeCpu', label: 'store CPU %' },
      { key: 'cpuPerMsg', label: 'Chatter CPU ms/msg' },
      { key: 'storePerMsg', label: 'store CPU ms/msg' },
      { key: 'lost', label: 'lost' },
      { key: 'dups', label: 'dups' },
    ]);
    result.tables.push(t);
    const services: Service[] = [];
    try {
      const mongo = await startMongo(opts.root, opts.logDir, opts.serverCpus);
      if (!mongo) {
        result.skipped.push('no MongoDB: set MONGODB_URI or install the jongodb test engine');
        return;
      }
      services.push(mongo);
      const workload = clusterWorkload(opts, !!process.env.MONGODB_URI);
      if (!process.env.MONGODB_URI)
        result.notes.push(
          `Store: the jongodb MongoDB-wire test engine, not a production MongoDB, with ${workload.users} users; set MONGODB_URI to a real MongoDB for 5,000. Compare the setups with each other, not with scenario 2.`,
        );
      const nats = await startNats(opts.logDir, opts.serverCpus);
      const redis = await startRedis(opts.logDir, opts.serverCpus);
      if (nats) services.push(nats);
      if (redis) services.push(redis);
      if (!redis) {
        result.skipped.push(
          'no Redis (redis-server or REDIS_URL): Chatter’s cluster mode requires it',
        );
        return;
      }
      // Cluster mode: shared MongoDB store, Redis for presence and rate limits, a shared bus; one JWT secret for all.
      const cluster = {
        MONGODB_URI: mongo.url,
        REDIS_URL: redis.url,
        JWT_SECRET: randomBytes(24).toString('hex'),
      };
      const variants: Variant[] = [];
      // BENCH_S4_BUS=nats|redis runs one bus only.
      const only = process.env.BENCH_S4_BUS;
      if (nats && only !== 'redis') {
        variants.push({
          label: '1 instance, NATS bus',
          instances: 1,
          env: { ...cluster, BUS: 'nats', NATS_URL: nats.url },
        });
        variants.push({
          label: '2 instances, NATS bus',
          instances: 2,
          env: { ...cluster, BUS: 'nats', NATS_URL: nats.url },
        });
      } else if (!nats) result.skipped.push('NATS: no nats-server and no NATS_URL');
      if (only !== 'nats') {
        variants.push({
          label: '1 instance, Redis bus',
          instances: 1,
          env: { ...cluster, BUS: 'redis' },
        });
        variants.push({
          label: '2 instances, Redis bus',
          instances: 2,
          env: { ...cluster, BUS: 'redis' },
        });
      }
      let ref: PhaseResult | undefined;
      // The first setup (one instance) ramps to find the rate; every setup then runs at it.
      let rate = workload.rate;
      // Smoke runs only check that one two-instance setup delivers everything exactly once.
      for (const v of opts.smoke ? variants.filter((x) => x.instances > 1).slice(0, 1) : variants) {
        const label = `Chatter ${v.label}`;
        const busName = v.label.split(', ')[1] as string;
        if (v.instances === 1) ref = undefined;
        try {
          // A fresh database per setup: no run inherits another's users, groups or logs.
          const env = {
            ...v.env,
            MONGODB_URI: withDatabaseSuffix(v.env['MONGODB_URI'] as string, variants.indexOf(v)),
          };
          const m = await e2eOverInstances(
            opts,
            { ...v, env },
            rate,
            () => mongo.process?.sample()?.cpuUs,
          );
          const p = m.phase;
          if (m.ramp.length > 0) {
            rate = m.rate;
            result.notes.push(
              `Rate: ramp on ${v.label} (msgs/s → p50 / p99 ms, CPU % of a core of Chatter + the store): ${m.ramp.map((r) => `${r.rate}/s → ${r.p50} / ${r.p99} ms, ${r.serverCpuPct}% + ${r.storeCpuPct ?? '?'}%${r.lost || r.sendErrors ? `, ${r.lost} lost, ${r.sendErrors} refused` : ''}`).join('; ')}. A step passes with p99 ≤ ${RAMP_P99_MS} ms or, when the lowest rate is over that already, with p50 ≤ 1.5 × its p50 + 10 ms and p99 ≤ 2 × its p99 (no queueing yet); every setup runs at ${m.rate} msgs/s.`,
            );
          }
          checkPhase(label, 'cross-instance', p, result, opts);
          addRaw(result, {
            target: label,
            rate: m.rate,
            hop: m.hop,
            ramp: m.ramp,
            storeCpuPct: m.storeCpuPct,
            phase: p,
          });
          if (!m.hop)
            result.failures.push(`${label}: no chatter_bus_hop_seconds observations in /metrics`);
          if (v.instances === 1) ref = p;
          else if (ref)
            headline(
              result,
              `Cross-instance: p99 ms added by the ${busName} hop`,
              'Chatter',
              r2(p.latency.p99 - ref.latency.p99),
            );
          if (v.instances > 1 && m.hop) {
            headline(result, `Cross-instance: ${busName} hop p50 ms`, 'Chatter', m.hop.p50);
            headline(result, `Cross-instance: ${busName} hop p99 ms`, 'Chatter', m.hop.p99);
          }
          t.rows.push({
            target: 'Chatter',
            values: {
              variant: v.label,
              rate: m.rate,
              p50: p.latency.p50,
              p90: p.latency.p90,
              p99: p.latency.p99,
              p999: p.latency.p999,
              max: p.latency.max,
              addP50: ref && v.instances > 1 ? r2(p.latency.p50 - ref.latency.p50) : null,
              addP99: ref && v.instances > 1 ? r2(p.latency.p99 - ref.latency.p99) : null,
              hopP50: m.hop?.p50 ?? null,
              hopP99: m.hop?.p99 ?? null,
              hops: m.hop?.count ?? null,
              serverCpu: r1(p.serverCpuPct),
              storeCpu: m.storeCpuPct,
              cpuPerMsg: p.sent ? r2(p.serverCpuUs / p.sent / 1000) : null,
              storePerMsg:
                p.sent && m.storeCpuUs !== null ? r2(m.storeCpuUs / p.sent / 1000) : null,
              lost: p.lost,
              dups: p.dups,
            },
          });
        } catch (e) {
          result.failures.push(`${label}: ${(e as Error).message}`);
        }
      }
      result.notes.push(
        'Hop: publish on an instance → broker → arrival on an instance (one observation per bus message and receiving instance, before decoding), from the chatter_bus_hop_seconds histogram (p50/p99 interpolated inside its buckets, as PromQL’s histogram_quantile does). With one instance it is the loop through the broker back to the same instance. One machine, one clock; across machines the figure would include the clock skew.',
      );
      result.notes.push(
        'All server-side processes (instances, bus, store) share the server CPU set, so two instances do not get more CPU than one.',
      );
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  },
};
