import { readdirSync, readFileSync } from 'node:fs';
import {
  FaultProxy,
  startMongo,
  startNats,
  startRedis,
  TestMongo,
  TestService,
} from '@chatter/testing';
import { ApiProcess, removeDataDir, startApi } from '../support';

export type BusKind = 'nats' | 'redis';
export type ServiceName = 'mongo' | 'redis' | 'nats';

/** One API instance slot: the current process (null while killed) and its proxies to each service. */
export interface InstanceSlot {
  index: number;
  api: ApiProcess | null;
  proxies: Partial<Record<ServiceName, FaultProxy>>;
  /** Every process this slot ran (restarts included), to check none of them crashed. */
  history: ApiProcess[];
}

export interface ChaosClusterOptions {
  instances: number;
  bus: BusKind;
  /** The default tenant's secret for app-issued tokens. */
  tenantSecret: string;
}

const portOf = (url: string): number =>
  Number(new URL(url.replace(/^(mongodb|redis|nats):/, 'http:')).port);

/**
 * Two or three API instances in cluster mode on the MongoDB test engine, Redis and NATS, each
 * instance reaching each service through its own fault-injecting proxy (so a fault can sit
 * between one instance and one service). Services can be killed and restarted, the store
 * frozen, the last instance killed and started again.
 */
export class ChaosCluster {
  readonly slots: InstanceSlot[] = [];

  private constructor(
    readonly options: ChaosClusterOptions,
    readonly mongo: TestMongo,
    readonly redis: TestService,
    readonly nats: TestService | null,
  ) {}

  static async start(options: ChaosClusterOptions): Promise<ChaosCluster> {
    const [mongo, redis, nats] = await Promise.all([
      startMongo(),
      startRedis(),
      options.bus === 'nats' ? startNats() : Promise.resolve(null),
    ]);
    const cluster = new ChaosCluster(options, mongo, redis, nats);
    try {
      for (let i = 0; i < options.instances; i++) {
        const proxies: InstanceSlot['proxies'] = {
          mongo: await FaultProxy.start({ port: portOf(mongo.uri) }),
          redis: await FaultProxy.start({ port: portOf(redis.url) }),
        };
        if (nats) proxies.nats = await FaultProxy.start({ port: portOf(nats.url) });
        cluster.slots.push({ index: i, api: null, proxies, history: [] });
      }
      // One after the other: the first one creates the indexes.
      for (const slot of cluster.slots) await cluster.startInstance(slot);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The instance that the chaos driver kills and starts again (the others are never restarted). */
  get victim(): InstanceSlot {
    return this.slots[this.slots.length - 1]!;
  }

  /** Instances running now. */
  live(): ApiProcess[] {
    return this.slots.flatMap((s) =>
      s.api && s.api.process.exitCode === null && s.api.process.signalCode === null ? [s.api] : [],
    );
  }

  service(name: Exclude<ServiceName, 'mongo'>): TestService {
    if (name === 'redis') return this.redis;
    if (!this.nats) throw new Error('NATS is not part of this cluster');
    return this.nats;
  }

  /** The services a fault can target in this cluster. */
  get serviceNames(): ServiceName[] {
    return this.nats ? ['mongo', 'redis', 'nats'] : ['mongo', 'redis'];
  }

  async startInstance(slot: InstanceSlot): Promise<ApiProcess> {
    const p = slot.proxies;
    const db = new URL(this.mongo.uri.replace(/^mongodb:/, 'http:')).pathname;
    const env: Record<string, string> = {
      MONGODB_URI: `mongodb://127.0.0.1:${p.mongo!.port}${db}`,
      REDIS_URL: `redis://127.0.0.1:${p.redis!.port}`,
      ...(p.nats ? { NATS_URL: `nats://127.0.0.1:${p.nats.port}`, BUS: 'nats' } : { BUS: 'redis' }),
      JWT_SECRET: 'chaos-test-jwt-secret-0123456789abcdef',
      DEFAULT_TENANT_SECRET: this.options.tenantSecret,
      PRESENCE_TTL_MS: '3000',
      // Every simulated client connects from 127.0.0.1 and reconnects often.
      WS_CONNECTS_PER_IP: '0',
      WS_MAX_SOCKETS_PER_IP: '0',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '2000',
    };
    // A loaded machine can take long to start a process: readiness may take a while.
    const api = await startApi(env, { readyTimeoutMs: 120_000 });
    slot.api = api;
    slot.history.push(api);
    return api;
  }

  /** SIGKILL: the instance dies as in a crash or an OOM kill (its clients see their sockets reset). */
  async killInstance(slot: InstanceSlot): Promise<void> {
    const api = slot.api;
    slot.api = null;
    await api?.kill();
  }

  /** Freezes (true) or thaws (false) the store process. */
  freezeStore(frozen: boolean): void {
    process.kill(jongodbPid(this.mongo.uri), frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Ends every fault: no latency, no black hole, all services and instances running. */
  async heal(): Promise<void> {
    try {
      this.freezeStore(false);
    } catch {
      // a real MongoDB (MONGODB_URI): nothing was frozen
    }
    for (const slot of this.slots) {
      for (const proxy of Object.values(slot.proxies)) {
        proxy.latencyMs = 0;
        if (proxy.inBlackHole) proxy.heal('release');
      }
    }
    if (!this.victim.api) await this.startInstance(this.victim);
  }

  /** Every process that died on its own (killed-on-purpose ones excluded). */
  crashes(): string[] {
    return this.slots.flatMap((s) =>
      s.history.flatMap((api) =>
        api.crash() ? [`instance ${s.index} (${api.url}): ${api.crash()}`] : [],
      ),
    );
  }

  async stop(): Promise<void> {
    try {
      this.freezeStore(false);
    } catch {
      // not frozen, or not ours
    }
    await Promise.all(this.slots.map((s) => s.api?.stop()));
    for (const s of this.slots) for (const api of s.history) removeDataDir(api);
    await Promise.all(this.slots.flatMap((s) => Object.values(s.proxies).map((p) => p.close())));
    await Promise.all([this.mongo?.stop(), this.redis?.stop(), this.nats?.stop()]);
  }
}

/** The pid of the jongodb engine listening on this URI's port (started by this test process). */
export function jongodbPid(uri: string): number {
  const port = portOf(uri);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('jongodb') && cmd.includes(`--port=${port}`)) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  throw new Error(`no jongodb process on port ${port}`);
}

/** Open file descriptors of a process (sockets, files, pipes): its open handles as the kernel sees them. */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
