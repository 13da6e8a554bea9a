import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, ServerProcess, tcpOpen } from './server-process';

/** A bus or store for the cross-instance scenario: given by env, or private and ours to stop. */
export interface Service {
  name: string;
  url: string;
  process?: ServerProcess;
  stop(): Promise<void>;
}

const which = (bin: string): string | undefined =>
  ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/bin', '/sbin']
    .map((d) => path.join(d, bin))
    .find((p) => existsSync(p));

export async function startNats(logDir: string, cpus?: string): Promise<Service | undefined> {
  if (process.env.NATS_URL)
    return { name: 'nats', url: process.env.NATS_URL, stop: async () => undefined };
  const bin = which('nats-server');
  if (!bin) return undefined;
  const port = await freePort();
  const p = ServerProcess.spawn('nats-server', bin, ['-a', '127.0.0.1', '-p', String(port)], {
    cpus,
    logFile: path.join(logDir, `nats-${port}.log`),
  });
  await p.waitReady(() => tcpOpen(port), 15_000);
  return { name: 'nats', url: `nats://127.0.0.1:${port}`, process: p, stop: () => p.stop() };
}

export async function startRedis(logDir: string, cpus?: string): Promise<Service | undefined> {
  if (process.env.REDIS_URL)
    return { name: 'redis', url: process.env.REDIS_URL, stop: async () => undefined };
  const bin = which('redis-server');
  if (!bin) return undefined;
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-redis-'));
  const p = ServerProcess.spawn(
    'redis-server',
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    {
      cpus,
      logFile: path.join(logDir, `redis-${port}.log`),
    },
  );
  await p.waitReady(() => tcpOpen(port), 15_000);
  return {
    name: 'redis',
    url: `redis://127.0.0.1:${port}`,
    process: p,
    stop: async () => {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** MongoDB for two instances sharing a store: MONGODB_URI, else the jongodb test engine. */
export async function startMongo(
  root: string,
  logDir: string,
  cpus?: string,
): Promise<Service | undefined> {
  if (process.env.MONGODB_URI)
    return { name: 'mongodb', url: process.env.MONGODB_URI, stop: async () => undefined };
  const bin = path.join(root, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');
  if (!existsSync(bin)) return undefined;
  const port = await freePort();
  const p = ServerProcess.spawn('jongodb', bin, ['--host=127.0.0.1', `--port=${port}`], {
    cpus,
    logFile: path.join(logDir, `jongodb-${port}.log`),
  });
  await p.waitReady(() => tcpOpen(port), 30_000);
  return {
    name: 'jongodb (test engine)',
    url: `mongodb://127.0.0.1:${port}/chatter-bench`,
    process: p,
    stop: () => p.stop(),
  };
}
