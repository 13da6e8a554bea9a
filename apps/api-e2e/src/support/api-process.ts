import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@chatter/testing';

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
}

/**
 * Starts a real API process (the built dist/api/main.js) on a free port. A port found free can be
 * taken by another process before the API binds it: then it starts again on another port.
 */
export async function startApi(env: Record<string, string> = {}, options: { dataDir?: string; port?: number } = {}): Promise<ApiProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startApiOnce(env, options);
    } catch (error) {
      const lostPortRace = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!lostPortRace || options.port !== undefined || attempt >= 3) throw error;
    }
  }
}

async function startApiOnce(env: Record<string, string>, options: { dataDir?: string; port?: number }): Promise<ApiProcess> {
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
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode} during start:\n${out}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API did not become ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const api: ApiProcess = {
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    port,
    dataDir,
    process: child,
    output: () => out,
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
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
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
