import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ConnSpec, Endpoint, Envelope, TargetKind, WorkerReply, WorkerRequest } from './ipc';

/** Runner side of the load-generator processes: fork, pin, request/reply over IPC. */
export class WorkerPool {
  private readonly children: ChildProcess[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (v: WorkerReply) => void; reject: (e: Error) => void }
  >();
  private rid = 0;

  private constructor(readonly size: number) {}

  static async start(
    size: number,
    opts: { cpus?: string; kind: TargetKind; endpoints: Endpoint[]; httpMaxSockets?: number },
  ): Promise<WorkerPool> {
    const p = new WorkerPool(size);
    // Compiled (run.mjs) or straight from TypeScript (tests, ad-hoc use).
    const ext = path.extname(__filename);
    const fromTs = ext === '.ts';
    const entry = path.join(__dirname, `worker-main${ext}`);
    for (let i = 0; i < size; i++) {
      const child = fork(entry, [], {
        execArgv: [...(fromTs ? ['-r', '@swc-node/register'] : []), '--max-old-space-size=4096'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: process.env,
      });
      if (opts.cpus && child.pid)
        spawnSync('taskset', ['-pc', opts.cpus, String(child.pid)], { stdio: 'ignore' });
      child.on('message', (m: Envelope<WorkerReply>) => {
        const w = p.pending.get(m.rid);
        if (!w) return;
        p.pending.delete(m.rid);
        if (m.error) w.reject(new Error(`worker ${i}: ${m.error}`));
        else w.resolve(m.body as WorkerReply);
      });
      // A dead worker fails its pending requests (below); IPC errors must not crash the runner.
      child.on('error', () => undefined);
      child.on('exit', (code, signal) => {
        if (code === 0 || signal === 'SIGTERM') return;
        for (const [rid, w] of p.pending) {
          p.pending.delete(rid);
          w.reject(new Error(`worker ${i} exited (${code ?? signal})`));
        }
      });
      p.children.push(child);
    }
    await p.all((workerId) => ({
      op: 'init',
      workerId,
      workers: size,
      kind: opts.kind,
      endpoints: opts.endpoints,
      httpMaxSockets: opts.httpMaxSockets ?? 64,
    }));
    return p;
  }

  request<T extends WorkerReply>(worker: number, msg: WorkerRequest): Promise<T> {
    const child = this.children[worker];
    if (!child) return Promise.reject(new Error(`no worker ${worker}`));
    const rid = ++this.rid;
    if (!child.connected) return Promise.reject(new Error(`worker ${worker} is gone`));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(rid, { resolve: resolve as (v: WorkerReply) => void, reject });
      child.send({ rid, msg }, (err) => {
        if (!err) return;
        this.pending.delete(rid);
        reject(new Error(`worker ${worker}: ${err.message}`));
      });
    });
  }

  /** Same or per-worker request to every worker; resolves with all replies in worker order. */
  all<T extends WorkerReply>(
    msg: WorkerRequest | ((workerId: number) => WorkerRequest),
  ): Promise<T[]> {
    return Promise.all(
      this.children.map((_, i) => this.request<T>(i, typeof msg === 'function' ? msg(i) : msg)),
    );
  }

  /** Connections live in the worker idx % size; the schedule relies on the same rule. */
  split(conns: readonly ConnSpec[]): ConnSpec[][] {
    const out: ConnSpec[][] = this.children.map(() => []);
    for (const c of conns) out[c.idx % this.size]!.push(c);
    return out;
  }

  pids(): number[] {
    return this.children.map((c) => c.pid ?? 0).filter(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.children.map((_, i) => this.request(i, { op: 'closeAll' })));
    for (const c of this.children) {
      c.disconnect();
      c.kill('SIGTERM');
    }
  }
}
