import { ChildProcess, spawn } from 'node:child_process';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

const installExitHook = (): void => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: a SIGKILL is the only thing that surely lands in time.
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
};

/**
 * A shell loop that kills `child` once this test process is gone, covering deaths that skip
 * 'exit' handlers (SIGKILL, a worker torn down by the runner). It ends by itself with the child.
 */
export const startWatchdog = (child: ChildProcess): void => {
  if (child.pid === undefined) return;
  const script =
    'while kill -0 "$0" 2>/dev/null && kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 "$1" 2>/dev/null';
  const watchdog = spawn('sh', ['-c', script, String(process.pid), String(child.pid)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.on('error', () => undefined);
  watchdog.unref();
};

/** A child process started by the harness, with its recent output for error messages. */
export class ManagedProcess {
  private output = '';
  private exitCode: number | null | undefined;
  readonly exited: Promise<void>;

  private constructor(
    readonly command: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        live.delete(child);
        resolve();
      });
      child.once('error', (err) => {
        this.output += `\n${err.message}`;
        this.exitCode = -1;
        live.delete(child);
        resolve();
      });
    });
  }

  static spawn(command: string, args: readonly string[]): ManagedProcess {
    installExitHook();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    startWatchdog(child);
    return new ManagedProcess(`${command} ${args.join(' ')}`, child);
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last few kilobytes the process wrote, for diagnostics. */
  get recentOutput(): string {
    return this.output.trim();
  }

  /** Sends SIGTERM and waits for the exit, escalating to SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const escalate = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, escalate]);
    clearTimeout(timer);
    await this.exited;
  }

  /** Kills the process abruptly (a crash, as far as its clients can tell). */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /**
   * Polls `probe` until it answers true. Fails with the process output when it exits first or
   * when `timeoutMs` passes.
   */
  async waitUntil(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) {
        throw new Error(`${this.command} exited before it was ready:\n${this.recentOutput}`);
      }
      if (await probe()) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${this.command} was not ready after ${timeoutMs} ms:\n${this.recentOutput}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
