import { randomBytes } from 'node:crypto';
import { startMongo, startNats, startRedis, type Service } from '../servers/services';
import { r2, roomsOf, withSession, type BenchOptions, type PhaseResult } from './harness';
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
 * The workload (5,000 users, 500 msgs/s) on a real MongoDB; a tenth of it on the
 * jongodb test engine, which cannot absorb more on this kind of machine.
 */
export function clusterWorkload(
  opts: { smoke: boolean; scale: number },
  realMongo: boolean,
): { users: number; rate: number } {
  if (opts.smoke) return { users: 40, rate: 50 };
  const f = realMongo ? 1 : 0.1;
  return {
    users: Math.max(20, Math.round(5000 * opts.scale * f)),
    rate: Math.max(10, Math.round(500 * f)),
  };
}

async function e2eOverInstances(opts: BenchOptions, v: Variant): Promise<PhaseResult> {
  const { users, rate } = clusterWorkload(opts, !!process.env.MONGODB_URI);
  const durationS = opts.durationS;
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
      const warm = await s.warmup(keys, rooms, { maxRate: 50 });
      if (!warm.ok) throw new Error(warm.detail);
      return s.phase({ roomKeys: keys, senders: rooms, rate, total: Math.round(rate * durationS) });
    },
    { instances: v.instances, env: v.env, label: `Chatter ${v.label}` },
  );
}

/** Scenario 4 (Chatter only): scenario 2 over two instances sharing MongoDB, with NATS then Redis as the bus. */
export const crossInstance: Scenario = {
  id: 4,
  name: 'Cross-instance',
  chatterOnly: true,
  description:
    'Scenario 2’s workload with every other member connected to the other instance and senders posting to their own instance; the instances share a MongoDB store and Redis (presence, rate limits) and use NATS, then Redis, as the event bus. Added latency is against one instance of the same cluster setup (Chatter refuses the in-process bus with MongoDB).',
  async run(opts, result) {
    if (targetsFor(opts, result, true).length === 0) return;
    const t = table([
      { key: 'variant', label: 'setup' },
      ...LATENCY_COLUMNS,
      { key: 'addP50', label: 'added p50 ms' },
      { key: 'addP99', label: 'added p99 ms' },
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
      if (!process.env.MONGODB_URI) {
        const w = clusterWorkload(opts, false);
        result.notes.push(
          `Store: the jongodb MongoDB-wire test engine, not a production MongoDB. It cannot absorb the issue's workload here, so this runs ${w.users} users at ${w.rate} msgs/s; set MONGODB_URI to a real MongoDB for 5,000 users at 500 msgs/s. Compare the setups with each other, not with scenario 2.`,
        );
      }
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
      // Smoke runs only check that one two-instance setup delivers everything exactly once.
      for (const v of opts.smoke ? variants.filter((x) => x.instances > 1).slice(0, 1) : variants) {
        const label = `Chatter ${v.label}`;
        if (v.instances === 1) ref = undefined;
        try {
          // A fresh database per setup: no run inherits another's users, groups or logs.
          const env = {
            ...v.env,
            MONGODB_URI: withDatabaseSuffix(v.env['MONGODB_URI'] as string, variants.indexOf(v)),
          };
          const p = await e2eOverInstances(opts, { ...v, env });
          checkPhase(label, 'cross-instance', p, result, opts);
          addRaw(result, { target: label, phase: p });
          if (v.instances === 1) ref = p;
          else if (ref)
            headline(
              result,
              `Cross-instance: p99 ms added by the ${v.label.split(', ')[1]} hop`,
              'Chatter',
              r2(p.latency.p99 - ref.latency.p99),
            );
          t.rows.push({
            target: 'Chatter',
            values: {
              variant: v.label,
              p50: p.latency.p50,
              p90: p.latency.p90,
              p99: p.latency.p99,
              p999: p.latency.p999,
              max: p.latency.max,
              addP50: ref && v.instances > 1 ? r2(p.latency.p50 - ref.latency.p50) : null,
              addP99: ref && v.instances > 1 ? r2(p.latency.p99 - ref.latency.p99) : null,
              lost: p.lost,
              dups: p.dups,
            },
          });
        } catch (e) {
          result.failures.push(`${label}: ${(e as Error).message}`);
        }
      }
      result.notes.push(
        'All server-side processes (instances, bus, store) share the server CPU set, so two instances do not get more CPU than one.',
      );
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  },
};
