import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import net from 'node:net';
import { sampleProc, type ProcSample } from '../stats/proc';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Whatever happens to the runner, the servers it started do not outlive it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of live) c.kill('SIGTERM');
      process.exit(130);
    });
  }
}

/** A server (or NATS/Redis/Mongo) child process with readiness and procfs sampling. */
export class ServerProcess {
  private exited = false;
  exitInfo = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    live.add(child);
    installExitHook();
    child.on('exit', (code, signal) => {
      live.delete(child);
      this.exited = true;
      this.exitInfo = `exit ${code ?? signal}`;
    });
  }

  static spawn(
    name: string,
    cmd: string,
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; cwd?: string; cpus?: string; logFile: string },
  ): ServerProcess {
    const pinned = opts.cpus && existsSync('/usr/bin/taskset');
    // taskset execs the command, so the child pid is the server's pid.
    const child = spawn(
      pinned ? 'taskset' : cmd,
      pinned ? ['-c', opts.cpus as string, cmd, ...args] : args,
      {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const log = createWriteStream(opts.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return new ServerProcess(name, child, opts.logFile);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return !this.exited;
  }

  sample(): ProcSample | undefined {
    return sampleProc(this.pid);
  }

  /** Polls until check() is true; fails early if the process died. */
  async waitReady(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited)
        throw new Error(
          `${this.name} exited during startup (${this.exitInfo}); see ${this.logFile}`,
        );
      if (await check().catch(() => false)) return;
      await sleep(100);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms; see ${this.logFile}`);
  }

  /** SIGTERM, then SIGKILL after `timeoutMs` (60 s when a CPU profile has to be written). */
  async stop(timeoutMs = process.env.BENCH_CPU_PROF ? 60_000 : 8000): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await done;
    clearTimeout(t);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === 200;
}

export async function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
