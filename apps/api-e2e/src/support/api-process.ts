import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startWatchdog } from '@chatter/testing';
import { driverEnv } from './driver-env';

const ROOT = resolve(__dirname, '../../../..');
export const API_ENTRY = join(ROOT, 'dist/api/main.js');

export interface ApiProcess {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Waits for the development SMS log line with the code for this phone. */
  loginCode(phone: string, tenant?: string, timeoutMs?: number): Promise<string>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: an instance crash. */
  kill(): Promise<void>;
  process: ChildProcess;
  /** Why the process died on its own (uncaught exception, unhandled rejection, unexpected exit), or null. */
  crash(): string | null;
}

/** The line main.ts prints (to stderr) on an uncaught exception or unhandled rejection. */
export const CRASH_MARKER = 'CHATTER FATAL';

/** Every API process started by this test file that died without being asked to. */
const crashes: { url: string; reason: string }[] = [];

/**
 * Crashes seen since the last call (the setup file fails each test that leaves one behind). A
 * test that expects a crash takes it with this and asserts on it.
 */
export function takeCrashes(): { url: string; reason: string }[] {
  return crashes.splice(0);
}

/**
 * Starts a real API process (the built dist/api/main.js) on a free port. A port found free can be
 * taken by another process before the API binds it: then it starts again on another port.
 */
export interface StartApiOptions {
  dataDir?: string;
  port?: number;
  /** How long the API may take to answer /readyz 200 (default 30 s). */
  readyTimeoutMs?: number;
}

export async function startApi(
  env: Record<string, string> = {},
  options: StartApiOptions = {},
): Promise<ApiProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startApiOnce(env, options);
    } catch (error) {
      const lostPortRace = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!lostPortRace || options.port !== undefined || attempt >= 3) throw error;
    }
  }
}

async function startApiOnce(
  env: Record<string, string>,
  options: StartApiOptions,
): Promise<ApiProcess> {
  if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: run "npm run build" first`);
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'chatter-e2e-'));
  let out = '';
  const child = spawn(process.execPath, [API_ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ...driverEnv(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // An API outlives no test run (a run stopped with Ctrl-C or killed leaves no orphan behind).
  startWatchdog(child);
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let ready = false;
  let asked = false;
  let crash: string | null = null;
  const exited = new Promise<number | null>((r) =>
    child.once('close', (code, signal) => {
      // An uncaught error is a crash even during a requested stop; any other exit counts only
      // when nobody asked for it (the start loop below reports exits during start itself).
      const fatal = out.split('\n').find((line) => line.includes(CRASH_MARKER));
      if (ready && (fatal || !asked)) {
        crash = fatal
          ? fatal.slice(0, 2000)
          : `exited unexpectedly (code ${code}, signal ${signal}); last output:\n${out.slice(-2000)}`;
        crashes.push({ url: `http://127.0.0.1:${port}`, reason: crash });
      }
      r(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`API exited with ${child.exitCode} during start:\n${out}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API did not become ready within ${readyTimeoutMs / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  ready = true;
  const api: ApiProcess = {
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    port,
    dataDir,
    process: child,
    output: () => out,
    crash: () => crash,
    async loginCode(phone, tenant = 'default', timeoutMs = 5_000) {
      const pattern = new RegExp(`login code for \\${phone} in tenant ${tenant}: (\\d{6})`, 'g');
      const until = Date.now() + timeoutMs;
      for (;;) {
        const matches = [...out.matchAll(pattern)];
        const last = matches[matches.length - 1];
        if (last?.[1]) return last[1];
        if (Date.now() > until) throw new Error(`no login code for ${phone} in the API log`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      asked = true;
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      asked = true;
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  return api;
}

export function removeDataDir(api: ApiProcess): void {
  rmSync(api.dataDir, { recursive: true, force: true });
}
