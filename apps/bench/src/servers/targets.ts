import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorCode, HttpJson, type GraphQLResponse } from '../load/clients/http-json';
import type { Endpoint, TargetKind } from '../load/ipc';
import { eventLoopP99Ms, parsePrometheus } from '../stats/prometheus';
import { freePort, httpOk, ServerProcess } from './server-process';
import type { TokenFactory } from './tokens';

export interface RoomSpec {
  /** User indexes; the first one creates the room. */
  members: number[];
}

export interface BenchEnv {
  root: string;
  /** The Chatter entry to run (a snapshot of dist/api, see snapshotChatter). */
  chatterEntry?: string;
  logDir: string;
  serverCpus?: string;
  tokens: TokenFactory;
}

export const TARGET_LABELS: Record<TargetKind, string> = {
  chatter: 'Chatter',
  b0: 'B0 raw ws',
  b1: 'B1 Nest+Apollo',
};

export interface ChatterOptions {
  instances?: number;
  env?: Record<string, string>;
  label?: string;
}

/** A started target: its endpoints, processes to sample and fixture helpers. */
export class RunningTarget {
  private readonly http = new HttpJson(32);
  private readonly userIds = new Map<number, string>();
  /** The servers run the stall sampler (BENCH_STALL_REPORT): they take SIGUSR2 as a window mark. */
  stallSampling = false;

  constructor(
    readonly kind: TargetKind,
    readonly label: string,
    readonly endpoints: Endpoint[],
    readonly servers: ServerProcess[],
    private readonly metricsUrls: string[],
    readonly env: BenchEnv,
    private readonly cleanup: () => void,
  ) {}

  get primary(): ServerProcess {
    return this.servers[0] as ServerProcess;
  }

  get alive(): boolean {
    return this.servers.every((s) => s.alive);
  }

  async eventLoopP99(instance = 0): Promise<{ ms: number; metric: string } | undefined> {
    const url = this.metricsUrls[instance];
    if (!url) return undefined;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      return eventLoopP99Ms(parsePrometheus(await res.text()));
    } catch {
      return undefined;
    }
  }

  /** Chatter GraphQL over HTTP as user i (the user is created on first use). */
  async gql<T>(
    user: number,
    query: string,
    variables: Record<string, unknown> = {},
    endpoint = 0,
  ): Promise<T> {
    const token = await this.env.tokens.token(user);
    const { status, json } = await this.http.post(
      (this.endpoints[endpoint] as Endpoint).httpUrl,
      { query, variables },
      { authorization: `Bearer ${token}` },
      30_000,
    );
    const r = json as GraphQLResponse<T>;
    if (!r.data || r.errors)
      throw new Error(
        `${query.slice(0, 40)}…: ${errorCode(status, json)} ${JSON.stringify(r.errors ?? json).slice(0, 300)}`,
      );
    return r.data;
  }

  async userId(i: number): Promise<string> {
    let id = this.userIds.get(i);
    if (!id) {
      id = (await this.gql<{ me: { id: string } }>(i, 'query BenchMe { me { id } }')).me.id;
      this.userIds.set(i, id);
    }
    return id;
  }

  /** Room keys for the scenario: Chatter groups, or names for the baselines. */
  async createRooms(rooms: RoomSpec[], tag: string, concurrency = 16): Promise<string[]> {
    if (this.kind !== 'chatter') return rooms.map((_, i) => `${tag}-${i}`);
    const users = [...new Set(rooms.flatMap((r) => r.members))];
    await runPool(users, concurrency * 2, async (u) => void (await this.userId(u)));
    const keys: string[] = new Array<string>(rooms.length);
    await runPool(
      rooms.map((r, i) => ({ r, i })),
      concurrency,
      async ({ r, i }) => {
        const [creator, ...others] = r.members;
        const memberIds = await Promise.all(others.map((u) => this.userId(u)));
        const data = await this.gql<{ createGroup: { id: string } }>(
          creator as number,
          'mutation BenchGroup($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
          { input: { title: `${tag} ${i}`, memberIds } },
        );
        keys[i] = data.createGroup.id;
      },
    );
    return keys;
  }

  /** A fixture message (Chatter only); returns its seq. */
  async sendAs(user: number, room: string, body: string): Promise<number> {
    const data = await this.gql<{ sendMessage: { seq: number } }>(
      user,
      'mutation BenchFixtureSend($input: SendMessageInput!) { sendMessage(input: $input) { id seq } }',
      {
        input: {
          conversationId: room,
          clientMessageId: `fixture-${user}-${Date.now().toString(36)}-${(fixtureSeq++).toString(36)}`,
          body,
        },
      },
    );
    return data.sendMessage.seq;
  }

  /**
   * BENCH_STALL_REPORT: opens, or closes, a measured window in every server's stall report
   * (SIGUSR2). Nothing without the sampler, where SIGUSR2 would end the server.
   */
  markStallWindow(): void {
    if (!this.stallSampling) return;
    for (const s of this.servers)
      if (s.alive)
        try {
          process.kill(s.pid, 'SIGUSR2');
        } catch {
          // It exited meanwhile: the phase reports the dead server.
        }
  }

  async stop(): Promise<void> {
    this.http.destroy();
    await Promise.all(this.servers.map((s) => s.stop()));
    this.cleanup();
  }
}

let fixtureSeq = 0;

export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export function chatterEntry(root: string): string {
  return path.join(root, 'dist/api/main.js');
}

export function chatterAvailable(root: string): boolean {
  return existsSync(chatterEntry(root));
}

/**
 * Copies dist/api aside for the run: other people rebuild dist while a long bench
 * runs, and a half-written build must not take down a scenario. Waits for a build
 * that has not changed for 2 s. The copy lives under apps/bench/.cache so the
 * repository's node_modules still resolve.
 */
export async function snapshotChatter(
  root: string,
): Promise<{ entry: string; dispose: () => void } | undefined> {
  const src = path.join(root, 'dist/api');
  const stamp = (): number => {
    let newest = 0;
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else newest = Math.max(newest, statSync(p).mtimeMs);
      }
    };
    walk(src);
    return newest;
  };
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      const before = stamp();
      await new Promise((r) => setTimeout(r, 2000));
      if (!existsSync(path.join(src, 'main.js')) || stamp() !== before) continue;
      const dest = path.join(root, 'apps/bench/.cache', `chatter-dist-${process.pid}`, 'api');
      rmSync(path.dirname(dest), { recursive: true, force: true });
      cpSync(src, dest, { recursive: true });
      if (stamp() !== before) continue;
      return {
        entry: path.join(dest, 'main.js'),
        dispose: () => rmSync(path.dirname(dest), { recursive: true, force: true }),
      };
    } catch {
      // dist is being rewritten: try again
    }
  }
  return undefined;
}

const wsPath = (): string => process.env.BENCH_CHATTER_WS_PATH ?? '/graphql';
const httpPath = (): string => process.env.BENCH_CHATTER_HTTP_PATH ?? '/graphql';

export async function startTarget(
  kind: TargetKind,
  env: BenchEnv,
  chatter: ChatterOptions = {},
): Promise<RunningTarget> {
  const stamp = `${kind}-${Date.now()}`;
  // BENCH_CPU_PROF=DIR: every server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profDir = process.env.BENCH_CPU_PROF;
  const nodeArgs: string[] = profDir
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`]
    : [];
  // BENCH_SERVER_NODE_ARGS="--trace-gc ...": extra Node flags for the servers (experiments).
  nodeArgs.push(...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean));
  if (kind === 'chatter') {
    const instances = chatter.instances ?? 1;
    const servers: ServerProcess[] = [];
    const endpoints: Endpoint[] = [];
    const metrics: string[] = [];
    const dirs: string[] = [];
    try {
      for (let i = 0; i < instances; i++) {
        const port = await freePort();
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chatter-bench-data-'));
        dirs.push(dataDir);
        const s = ServerProcess.spawn(
          `chatter#${i}`,
          process.execPath,
          [...nodeArgs, env.chatterEntry ?? chatterEntry(env.root)],
          {
            cwd: env.root,
            cpus: env.serverCpus,
            logFile: path.join(env.logDir, `${stamp}-${i}.log`),
            env: {
              ...process.env,
              PORT: String(port),
              HOST: '127.0.0.1',
              DATA_DIR: dataDir,
              NODE_ENV: 'production',
              ALLOW_LOG_SMS_IN_PRODUCTION: 'true',
              PLAYGROUND: 'false',
              DEFAULT_TENANT_SECRET: env.tokens.secret,
              LOG_LEVEL: 'warn',
              // Every bench client connects from 127.0.0.1: the per-address socket limits are off.
              WS_MAX_SOCKETS_PER_IP: '0',
              WS_CONNECTS_PER_IP: '0',
              // BENCH_STALL_REPORT=DIR: each instance writes its event-loop stall report there.
              ...(process.env.BENCH_STALL_REPORT
                ? {
                    STALL_REPORT_DIR: path.resolve(process.env.BENCH_STALL_REPORT, `${stamp}-${i}`),
                  }
                : {}),
              ...chatter.env,
            },
          },
        );
        servers.push(s);
        endpoints.push({
          httpUrl: `http://127.0.0.1:${port}${httpPath()}`,
          wsUrl: `ws://127.0.0.1:${port}${wsPath()}`,
        });
        metrics.push(`http://127.0.0.1:${port}/metrics`);
        await s.waitReady(() => httpOk(`http://127.0.0.1:${port}/readyz`), 60_000);
      }
    } catch (e) {
      await Promise.all(servers.map((s) => s.stop()));
      throw e;
    }
    const target = new RunningTarget(
      'chatter',
      chatter.label ?? TARGET_LABELS.chatter,
      endpoints,
      servers,
      metrics,
      env,
      () => {
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      },
    );
    target.stallSampling = !!(
      chatter.env?.STALL_REPORT_DIR ??
      (process.env.BENCH_STALL_REPORT || process.env.STALL_REPORT_DIR)
    );
    return target;
  }
  const port = await freePort();
  const launcher = path.join(env.root, 'apps/bench/baselines', kind === 'b0' ? 'b0.mjs' : 'b1.mjs');
  const s = ServerProcess.spawn(kind, process.execPath, [...nodeArgs, launcher], {
    cwd: env.root,
    cpus: env.serverCpus,
    logFile: path.join(env.logDir, `${stamp}.log`),
    env: {
      ...process.env,
      PORT: String(port),
      BENCH_JWT_SECRET: env.tokens.secret,
      NODE_ENV: 'production',
    },
  });
  try {
    await s.waitReady(() => httpOk(`http://127.0.0.1:${port}/readyz`), 60_000);
  } catch (e) {
    await s.stop();
    throw e;
  }
  const endpoint: Endpoint =
    kind === 'b0'
      ? { httpUrl: `http://127.0.0.1:${port}/`, wsUrl: `ws://127.0.0.1:${port}/ws` }
      : { httpUrl: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
  return new RunningTarget(
    kind,
    TARGET_LABELS[kind],
    [endpoint],
    [s],
    [`http://127.0.0.1:${port}/metrics`],
    env,
    () => undefined,
  );
}
