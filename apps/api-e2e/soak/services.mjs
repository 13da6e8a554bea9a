// Child processes for the soak run: the API (built dist/api/main.js) and, with --cluster, the
// test services (jongodb MongoDB-compatible engine, redis-server, nats-server) on free ports.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const children = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function launch(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  const keep = (d) => (output = (output + d.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.add(child);
  const exited = new Promise((resolve) =>
    child.once('exit', (code) => (children.delete(child), resolve(code))),
  );
  return {
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitFor(what, probe, proc, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new Error(`${what} exited during start:\n${proc.output()}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > end)
      throw new Error(`${what} not ready after ${timeoutMs} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const tcpOpen = (port) =>
  new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  });

function which(name, extra = []) {
  for (const dir of [
    ...(process.env.PATH ?? '').split(':'),
    '/usr/sbin',
    '/usr/local/sbin',
    '/sbin',
    ...extra,
  ]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

export async function startServices(root) {
  const jongodb =
    process.env.JONGODB_BIN ??
    join(root, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');
  const redisBin = which('redis-server');
  const natsBin = which('nats-server');
  const missing = [
    !existsSync(jongodb) && 'jongodb (npm @jongodb/memory-server-bin-linux-x64-gnu)',
    !redisBin && 'redis-server',
    !natsBin && 'nats-server',
  ].filter(Boolean);
  if (missing.length) throw new Error(`--cluster needs ${missing.join(', ')}`);
  const [mongoPort, redisPort, natsPort] = [await freePort(), await freePort(), await freePort()];
  const mongo = launch(jongodb, ['--host=127.0.0.1', `--port=${mongoPort}`]);
  const redis = launch(redisBin, [
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const nats = launch(natsBin, ['-a', '127.0.0.1', '-p', String(natsPort)]);
  await Promise.all([
    waitFor('jongodb', () => tcpOpen(mongoPort), mongo),
    waitFor('redis', () => tcpOpen(redisPort), redis),
    waitFor('nats', () => tcpOpen(natsPort), nats),
  ]);
  return {
    env: {
      MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/chatter_soak`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      NATS_URL: `nats://127.0.0.1:${natsPort}`,
      BUS: 'nats',
      JWT_SECRET: `soak-${Math.random().toString(36).slice(2)}-0123456789abcdef0123`,
    },
    pids: { mongo: mongo.child.pid, redis: redis.child.pid, nats: nats.child.pid },
    stop: () => Promise.all([mongo.stop(), redis.stop(), nats.stop()]),
  };
}

export async function startApi(root, env) {
  const entry = join(root, 'dist/api/main.js');
  if (!existsSync(entry)) {
    const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'api'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('building the API failed');
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'chatter-soak-'));
  const proc = launch(process.execPath, [entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      ALLOW_LOG_SMS_IN_PRODUCTION: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('API', async () => (await fetch(`${url}/readyz`)).status === 200, proc, 60_000);
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    pid: proc.child.pid,
    dataDir,
    output: proc.output,
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
