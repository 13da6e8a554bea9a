import { nowUs } from '../load/body';
import type {
  ConnSpec,
  OpenResult,
  PhaseCollect,
  PhaseProgress,
  PhaseSendResult,
  TargetKind,
  WorkerCounters,
} from '../load/ipc';
import { eventsPerRoom, type SchedulePlan } from '../load/schedule';
import { WorkerPool } from '../load/worker-pool';
import { ProcWatcher, systemBusyUs } from '../stats/proc';
import { summarizeEncoded, type LatencySummary } from '../stats/histogram';
import { sleep } from '../servers/server-process';
import {
  startTarget,
  type BenchEnv,
  type ChatterOptions,
  type RunningTarget,
} from '../servers/targets';
import type { TokenFactory } from '../servers/tokens';

export interface BenchOptions {
  smoke: boolean;
  scale: number;
  durationS: number;
  workers: number;
  targets: TargetKind[];
  scenarios: number[];
  outDir: string;
  root: string;
  logDir: string;
  serverCpus?: string;
  loadCpus?: string;
  tokens: TokenFactory;
  fdLimit: number;
  chatterAvailable: boolean;
  chatterEntry?: string;
}

export interface PhaseResult {
  phaseId: number;
  rate: number;
  sent: number;
  sendErrors: number;
  errors: Record<string, number>;
  expected: number;
  unique: number;
  lost: number;
  dups: number;
  reordered: number;
  drained: boolean;
  latency: LatencySummary;
  sendLag: LatencySummary;
  scheduleS: number;
  /** From t0 to the last delivery. */
  spanS: number;
  messagesPerSec: number;
  deliveriesPerSec: number;
  serverCpuUs: number;
  serverCpuPct: number;
  serverRssBytes: number;
  serverPeakRssBytes: number;
  clientCpuPct: number;
  /** CPU used by processes that are neither the server(s) nor the bench, in % of one core. */
  otherCpuPct: number;
  windowS: number;
}

export interface PhaseSpec {
  roomKeys: string[];
  /** Per room, the user/connection indexes that take turns sending. */
  senders: number[][];
  rate: number;
  total: number;
  padTo?: number;
  maxDrainMs?: number;
  stallMs?: number;
}

export interface PhaseStart {
  phaseId: number;
  plan: SchedulePlan;
  sends: PhaseSendResult[];
  t0: number;
  cpu0: number;
  client0: number;
  sys0: number;
  runner0: number;
  wall0: number;
}

const runnerCpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const debugOn = !!process.env.BENCH_DEBUG;
const t00 = Date.now();
/** BENCH_DEBUG=1 prints a timeline of the slow steps. */
export function debug(msg: string): void {
  if (debugOn) console.log(`[bench +${((Date.now() - t00) / 1000).toFixed(1)}s] ${msg}`);
}

export const fmtErrors = (e: Record<string, number>): string =>
  Object.entries(e)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');

/** One target under test in one scenario: its server(s), the worker pool and the clients. */
export class Session {
  private phaseSeq = 0;
  private seqBase = 0;
  private readonly conns = new Map<number, ConnSpec>();
  /** Subscribed and connected, per room key. */
  private readonly subscribers = new Map<string, Set<number>>();
  readonly watcher: ProcWatcher;

  private constructor(
    readonly target: RunningTarget,
    readonly pool: WorkerPool,
    readonly opts: BenchOptions,
  ) {
    this.watcher = new ProcWatcher(target.primary.pid);
  }

  static async start(
    kind: TargetKind,
    opts: BenchOptions,
    chatter?: ChatterOptions,
  ): Promise<Session> {
    const env: BenchEnv = {
      root: opts.root,
      logDir: opts.logDir,
      serverCpus: opts.serverCpus,
      tokens: opts.tokens,
      chatterEntry: opts.chatterEntry,
    };
    debug(`starting ${kind}`);
    const target = await startTarget(kind, env, chatter);
    debug(`${kind} ready; starting ${opts.workers} workers`);
    try {
      const pool = await WorkerPool.start(opts.workers, {
        cpus: opts.loadCpus,
        kind,
        endpoints: target.endpoints,
      });
      debug('workers ready');
      return new Session(target, pool, opts);
    } catch (e) {
      await target.stop();
      throw e;
    }
  }

  get label(): string {
    return this.target.label;
  }

  async spec(idx: number, rooms: string[], subscribe = true, endpoint = 0): Promise<ConnSpec> {
    return { idx, token: await this.opts.tokens.token(idx), rooms, subscribe, endpoint };
  }

  /** Opens connections (in their workers); returns how many failed and why. */
  async open(
    specs: ConnSpec[],
    opts: { concurrency?: number; retries?: number } = {},
  ): Promise<{
    opened: number;
    failed: number;
    retried: number;
    errors: Record<string, number>;
    seconds: number;
  }> {
    const parts = this.pool.split(specs);
    const t = nowUs();
    const per = Math.max(1, Math.floor((opts.concurrency ?? 200) / this.pool.size));
    const results = await Promise.all(
      parts.map((conns, w) =>
        this.pool.request<OpenResult>(w, {
          op: 'open',
          conns,
          concurrency: per,
          // Setup retries failed connects, as clients do; the storm scenario counts them.
          retries: opts.retries ?? 3,
        }),
      ),
    );
    const seconds = (nowUs() - t) / 1e6;
    debug(`opened ${specs.length} connections in ${seconds.toFixed(2)}s`);
    const failed = new Set(results.flatMap((r) => r.failed));
    const errors: Record<string, number> = {};
    for (const r of results)
      for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    for (const s of specs) {
      this.conns.set(s.idx, s);
      if (!s.subscribe) continue;
      for (const room of s.rooms) {
        let set = this.subscribers.get(room);
        if (!set) this.subscribers.set(room, (set = new Set()));
        if (failed.has(s.idx)) set.delete(s.idx);
        else set.add(s.idx);
      }
    }
    return {
      retried: results.reduce((a, r) => a + r.retried, 0),
      opened: results.reduce((a, r) => a + r.opened, 0),
      failed: failed.size,
      errors,
      seconds,
    };
  }

  /** Drops every subscriber's TCP connection at once (no close handshake). */
  async drop(): Promise<void> {
    await this.pool.all({ op: 'drop' });
  }

  private cpuOfServers(): number {
    return this.target.servers.reduce((a, s) => a + (s.sample()?.cpuUs ?? 0), 0);
  }

  private async clientCpuUs(): Promise<number> {
    const c = await this.pool.all<WorkerCounters>({ op: 'counters' });
    return c.reduce((a, x) => a + x.cpuUs, 0);
  }

  async counters(): Promise<WorkerCounters> {
    const all = await this.pool.all<WorkerCounters>({ op: 'counters' });
    const merged: WorkerCounters = {
      own: 0,
      foreign: 0,
      resync: 0,
      subErrors: {},
      unexpectedCloses: {},
      cpuUs: 0,
    };
    for (const c of all) {
      merged.own += c.own;
      merged.foreign += c.foreign;
      merged.resync += c.resync;
      merged.cpuUs += c.cpuUs;
      for (const [k, v] of Object.entries(c.subErrors))
        merged.subErrors[k] = (merged.subErrors[k] ?? 0) + v;
      for (const [k, v] of Object.entries(c.unexpectedCloses))
        merged.unexpectedCloses[k] = (merged.unexpectedCloses[k] ?? 0) + v;
    }
    return merged;
  }

  /** Starts a phase and returns once every worker has sent (and had acknowledged) its share. */
  async startPhase(p: PhaseSpec, leadMs = 250): Promise<PhaseStart> {
    const phaseId = ++this.phaseSeq;
    const receivers = p.roomKeys.map((k) => this.subscribers.get(k)?.size ?? 0);
    const t0 = nowUs() + leadMs * 1000;
    const plan: SchedulePlan = {
      t0Us: t0,
      rate: p.rate,
      total: p.total,
      roomCount: p.roomKeys.length,
      senders: p.senders,
      seqBase: this.seqBase,
    };
    this.seqBase += eventsPerRoom(p.total, p.roomKeys.length);
    const cpu0 = this.cpuOfServers();
    const client0 = await this.clientCpuUs();
    const sys0 = systemBusyUs();
    const runner0 = runnerCpuUs();
    const wall0 = nowUs();
    const sends = await this.pool.all<PhaseSendResult>({
      op: 'phase',
      req: { phaseId, plan, roomKeys: p.roomKeys, receivers, padTo: p.padTo ?? 64 },
    });
    return { phaseId, plan, sends, t0, cpu0, client0, sys0, runner0, wall0 };
  }

  /**
   * Waits until every expected delivery arrived, or nothing new came for a while:
   * stallMs, stretched to twice the worst latency seen so far when the server is slow.
   */
  async drain(
    phaseIds: number[],
    expected: number,
    maxDrainMs: number,
    stallMs: number,
  ): Promise<{ unique: number; lastDeliveryUs: number; drained: boolean }> {
    const deadline = Date.now() + maxDrainMs;
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const prog = await this.pool.all<PhaseProgress>({ op: 'progress' });
      const unique = prog.reduce(
        (a, p) => a + phaseIds.reduce((b, id) => b + (p.unique[id] ?? 0), 0),
        0,
      );
      const lastDeliveryUs = Math.max(
        0,
        ...prog.flatMap((p) => phaseIds.map((id) => p.lastDeliveryUs[id] ?? 0)),
      );
      const worstMs =
        Math.max(0, ...prog.flatMap((p) => phaseIds.map((id) => p.maxLatencyUs[id] ?? 0))) / 1000;
      if (unique >= expected) return { unique, lastDeliveryUs, drained: true };
      if (unique !== last) {
        last = unique;
        lastChange = Date.now();
      }
      const stall = Math.max(stallMs, 2 * worstMs);
      if (Date.now() - lastChange > stall || Date.now() > deadline || !this.target.alive)
        return { unique, lastDeliveryUs, drained: false };
      await sleep(50);
    }
  }

  async collect(phaseId: number): Promise<PhaseCollect & { hists: string[] }> {
    const parts = await this.pool.all<PhaseCollect>({ op: 'collect', phaseId });
    return {
      hist: '',
      hists: parts.map((p) => p.hist),
      unique: parts.reduce((a, p) => a + p.unique, 0),
      dups: parts.reduce((a, p) => a + p.dups, 0),
      reordered: parts.reduce((a, p) => a + p.reordered, 0),
      lastDeliveryUs: Math.max(0, ...parts.map((p) => p.lastDeliveryUs)),
    };
  }

  /**
   * Open-loop phase: schedule, send, drain, score. A measured phase (not the warm-up) is a
   * window in the servers' stall reports (BENCH_STALL_REPORT), from before its sends to drained.
   */
  async phase(p: PhaseSpec, measured = true): Promise<PhaseResult> {
    this.watcher.start();
    if (measured) this.target.markStallWindow();
    let started: PhaseStart;
    let d: { unique: number; drained: boolean };
    try {
      started = await this.startPhase(p);
      const expected = started.sends.reduce((a, s) => a + s.expected, 0);
      debug(`phase ${started.phaseId}: ${p.total} msgs @${p.rate}/s sent; draining ${expected}`);
      d = await this.drain([started.phaseId], expected, p.maxDrainMs ?? 20_000, p.stallMs ?? 5000);
      debug(`phase ${started.phaseId}: drained=${d.drained} ${d.unique}/${expected}`);
    } finally {
      if (measured) this.target.markStallWindow();
    }
    return this.finishPhase(p, started, d.drained);
  }

  async finishPhase(p: PhaseSpec, started: PhaseStart, drained: boolean): Promise<PhaseResult> {
    const cpu1 = this.cpuOfServers();
    const client1 = await this.clientCpuUs();
    const sys1 = systemBusyUs();
    const runner1 = runnerCpuUs();
    const end = nowUs();
    this.watcher.stop();
    const c = await this.collect(started.phaseId);
    const sent = started.sends.reduce((a, s) => a + s.sendOk, 0);
    const expected = started.sends.reduce((a, s) => a + s.expected, 0);
    const errors: Record<string, number> = {};
    for (const s of started.sends)
      for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
    const scheduleS = p.total / p.rate;
    const spanS = Math.max(
      scheduleS,
      c.lastDeliveryUs > started.t0 ? (c.lastDeliveryUs - started.t0) / 1e6 : scheduleS,
    );
    const windowS = (end - started.wall0) / 1e6;
    const other =
      sys1 -
      started.sys0 -
      (cpu1 - started.cpu0) -
      (client1 - started.client0) -
      (runner1 - started.runner0);
    const rss = this.target.primary.sample()?.rssBytes ?? 0;
    return {
      phaseId: started.phaseId,
      rate: p.rate,
      sent,
      sendErrors: started.sends.reduce((a, s) => a + s.sendErr, 0),
      errors,
      expected,
      unique: c.unique,
      lost: Math.max(0, expected - c.unique),
      dups: c.dups,
      reordered: c.reordered,
      drained,
      latency: summarizeEncoded(c.hists),
      sendLag: summarizeEncoded(started.sends.map((s) => s.sendLag)),
      scheduleS,
      spanS,
      messagesPerSec: sent / scheduleS,
      deliveriesPerSec: c.unique / spanS,
      serverCpuUs: cpu1 - started.cpu0,
      serverCpuPct: ((cpu1 - started.cpu0) / (windowS * 1e6)) * 100,
      serverRssBytes: rss,
      serverPeakRssBytes: Math.max(rss, this.watcher.peakRss),
      clientCpuPct: ((client1 - started.client0) / (windowS * 1e6)) * 100,
      otherCpuPct: Math.max(0, (other / (windowS * 1e6)) * 100),
      windowS,
    };
  }

  /**
   * Proves subscriptions are live before measuring: two messages per room from two
   * different members, and every subscriber must get the ones not its own. Gentle on
   * purpose (a slow target must not start the measurement with a backlog): at most
   * maxRate msgs/s over at most sampleRooms rooms, then waits for the server to settle.
   */
  async warmup(
    roomKeys: string[],
    senders: number[][],
    opts: { maxRate?: number; sampleRooms?: number } = {},
  ): Promise<{ ok: boolean; detail: string; result: PhaseResult }> {
    const n = Math.min(roomKeys.length, opts.sampleRooms ?? 50);
    // Spread the sample over the whole list so every worker and room range is exercised.
    const picks = Array.from({ length: n }, (_, i) => Math.floor((i * roomKeys.length) / n));
    const keys = picks.map((i) => roomKeys[i] as string);
    const total = n * 2;
    const rate = Math.max(10, Math.min(opts.maxRate ?? 200, total));
    const result = await this.phase(
      {
        roomKeys: keys,
        senders: picks.map((i) => senders[i] as number[]),
        rate,
        total,
        maxDrainMs: 60_000,
        stallMs: 8000,
      },
      false,
    );
    await this.settle();
    const ok = result.lost === 0 && result.sendErrors === 0 && result.dups === 0;
    const detail = ok
      ? 'ok'
      : `warm-up: ${result.unique}/${result.expected} delivered, ${result.sendErrors} send errors${result.sendErrors ? ` (${fmtErrors(result.errors)})` : ''}`;
    return { ok, detail, result };
  }

  /**
   * Waits until the server(s) use less than a third of a core over 500 ms, so a step
   * does not inherit the backlog of the previous one. Bounded; returns whether it settled.
   */
  async settle(maxMs = 60_000): Promise<boolean> {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && this.target.alive) {
      const c0 = this.cpuOfServers();
      const t0 = nowUs();
      await sleep(500);
      const pct = ((this.cpuOfServers() - c0) / (nowUs() - t0)) * 100;
      if (pct < 33) return true;
    }
    debug('server did not settle');
    return false;
  }

  /** Closes every client connection so the next scenario starts from none. */
  async reset(): Promise<void> {
    this.watcher.stop();
    await this.pool.all({ op: 'closeAll' });
    this.conns.clear();
    this.subscribers.clear();
  }

  async stop(): Promise<void> {
    this.watcher.stop();
    await this.pool.stop().catch(() => undefined);
    await this.target.stop();
  }
}

const cached = new Map<TargetKind, Session>();

/**
 * Runs fn with a session for the target. Full runs start fresh servers per
 * scenario (clean CPU and memory figures); smoke runs reuse one per target to stay
 * within their time budget.
 */
export async function withSession<T>(
  kind: TargetKind,
  opts: BenchOptions,
  fn: (s: Session) => Promise<T>,
  chatter?: ChatterOptions,
): Promise<T> {
  const reuse = opts.smoke && !chatter;
  let s = reuse ? cached.get(kind) : undefined;
  if (s && !s.target.alive) {
    await s.stop();
    cached.delete(kind);
    s = undefined;
  }
  if (!s) {
    s = await Session.start(kind, opts, chatter);
    if (reuse) cached.set(kind, s);
  }
  try {
    return await fn(s);
  } finally {
    if (reuse) await s.reset();
    else await s.stop();
  }
}

/** Smoke runs start every target at once: their start-up dominates a smoke run. */
export async function prestartSessions(opts: BenchOptions): Promise<void> {
  const kinds = opts.targets.filter((k) => k !== 'chatter' || opts.chatterAvailable);
  await Promise.all(
    kinds.map(async (k) => {
      try {
        cached.set(k, await Session.start(k, opts));
      } catch (e) {
        // The scenarios retry and report the failure where it matters.
        debug(`prestart ${k} failed: ${(e as Error).message}`);
      }
    }),
  );
}

export async function stopCachedSessions(): Promise<void> {
  await Promise.all([...cached.values()].map((s) => s.stop()));
  cached.clear();
}

/** Round-robin sender lists: member indexes of each room. */
export function roomsOf(count: number, size: number, firstUser = 0): number[][] {
  return Array.from({ length: count }, (_, r) =>
    Array.from({ length: size }, (_, j) => firstUser + r * size + j),
  );
}

export const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
export const r1 = (v: number): number => Math.round(v * 10) / 10;
export const r2 = (v: number): number => Math.round(v * 100) / 100;
