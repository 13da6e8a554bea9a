#!/usr/bin/env node
// The bus hop alone, without Chatter's store or sockets: one process publishes through Chatter's
// own bus adapter (dist/api, NatsEventBus or RedisEventBus) at a fixed rate, another process
// subscribed through the same adapter receives, and the hop (publish call → handler) is measured
// two ways: on the system-wide monotonic clock (process.hrtime, the same in every process on one
// machine: the truth), and as chatter_bus_hop_seconds sees it (the adapter's onHop, from the
// publish time the message carries). Open loop: message i is due at t0 + i/rate whatever happened
// before, and its hop is counted from the moment it was published.
//
//   node scripts/build.mjs api && node apps/bench/bus-hop.mjs
//   node apps/bench/bus-hop.mjs --bus nats --rates 100,1000,5000 --seconds 10 --topics 50 --bytes 600
//
// Starts a private nats-server / redis-server (NATS_URL / REDIS_URL use yours instead). With
// taskset, the broker and the subscriber share CPU 0 and the publisher gets CPU 1, like the bench's
// split of servers and load. Also reports the subscriber's and the broker's CPU time per message.
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect as tcpConnect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, option } from './tool-support.mjs';

const here = fileURLToPath(import.meta.url);
const root = resolve(dirname(here), '../..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, fallback) => option(name, fallback, argv);
const dist = join(root, 'dist/api/libs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowNs = () => process.hrtime.bigint();

async function openBus(kind, url, onHop) {
  if (kind === 'nats') {
    const { NatsEventBus } = require(join(dist, 'bus-nats/src/index.js'));
    return NatsEventBus.connect(url, { name: 'bus-hop', onHop });
  }
  const { RedisEventBus } = require(join(dist, 'bus-redis/src/index.js'));
  return RedisEventBus.connect(url, { name: 'bus-hop', onHop });
}

const topicOf = (i) => `chatter.bench.conv.t${i}`;

function pct(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const cpuUsOf = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
};

// ---- runner (publisher) ---------------------------------------------------------------------

async function waitTcp(port, ms = 15_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((r) => {
      const c = tcpConnect(port, '127.0.0.1', () => (c.destroy(), r(true)));
      c.on('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${port}`);
}

const which = (bin) =>
  ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/bin'].map((d) => join(d, bin)).find(existsSync);
const taskset = which('taskset');
const pinned = (cpu, cmd, args) =>
  taskset && cpus().length > 1 ? [taskset, ['-c', cpu, cmd, ...args]] : [cmd, args];

async function startBroker(kind) {
  if (kind === 'nats' && process.env.NATS_URL) return { url: process.env.NATS_URL };
  if (kind === 'redis' && process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  const bin = which(kind === 'nats' ? 'nats-server' : 'redis-server');
  if (!bin) return undefined;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bus-hop-'));
  const args =
    kind === 'nats'
      ? ['-a', '127.0.0.1', '-p', String(port)]
      : [
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
        ];
  const [cmd, full] = pinned('0', bin, args);
  const child = spawn(cmd, full, { stdio: 'ignore' });
  await waitTcp(port);
  return {
    url: `${kind}://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function startSubscriber(kind, url, topics) {
  const child = fork(here, ['--subscriber', kind, url, String(topics)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (taskset && cpus().length > 1)
    spawn(taskset, ['-pc', '0', String(child.pid)], { stdio: 'ignore' });
  const waiters = new Map();
  child.on('message', (m) => {
    const w = waiters.get(m.op);
    if (w) (waiters.delete(m.op), w(m));
  });
  const ask = (op) =>
    new Promise((r) => {
      waiters.set(op, r);
      if (op !== 'ready') child.send({ op });
    });
  return { child, ask, ready: ask('ready') };
}

async function main() {
  if (!existsSync(join(dist, 'bus-nats/src/index.js'))) {
    console.error('dist/api not built: run `node scripts/build.mjs api` first');
    process.exit(1);
  }
  const buses = opt('bus', 'nats,redis').split(',');
  const rates = opt('rates', '100,1000,5000').split(',').map(Number);
  const seconds = Number(opt('seconds', 10));
  const topics = Number(opt('topics', 50));
  const bytes = Number(opt('bytes', 600));
  // The publisher on the other CPU, as the bench's load generator.
  if (taskset && cpus().length > 1)
    spawn(taskset, ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  console.log(
    `bus hop: ${buses.join(', ')} at ${rates.join(', ')} msgs/s, ${seconds} s each, ${topics} topics, ~${bytes}-byte JSON payloads; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const rows = [];
  for (const kind of buses) {
    const broker = await startBroker(kind);
    if (!broker) {
      console.log(`${kind}: no ${kind}-server and no ${kind.toUpperCase()}_URL; skipped`);
      continue;
    }
    const sub = startSubscriber(kind, broker.url, topics);
    const { pid: subPid } = await sub.ready;
    const bus = await openBus(kind, broker.url);
    const pad = 'x'.repeat(Math.max(0, bytes - 60));
    try {
      for (const rate of rates) {
        // Warm-up: a second at the rate, not measured.
        await publishAt(bus, rate, 1, topics, pad);
        await sleep(300);
        await sub.ask('reset');
        const cpu0 = [cpuUsOf(subPid), broker.pid ? cpuUsOf(broker.pid) : undefined];
        const sent = await publishAt(bus, rate, seconds, topics, pad);
        await sleep(500);
        const cpu1 = [cpuUsOf(subPid), broker.pid ? cpuUsOf(broker.pid) : undefined];
        const r = await sub.ask('report');
        const clock = r.clock.sort((a, b) => a - b);
        const metric = r.metric.sort((a, b) => a - b);
        const per = (i) =>
          cpu0[i] !== undefined && cpu1[i] !== undefined && clock.length
            ? Math.round((cpu1[i] - cpu0[i]) / clock.length)
            : null;
        const f = (x) => (x === null ? '—' : x.toFixed(3));
        const row = {
          bus: kind,
          rate,
          sent,
          received: clock.length,
          p50: pct(clock, 0.5),
          p90: pct(clock, 0.9),
          p99: pct(clock, 0.99),
          max: clock.at(-1) ?? null,
          metricP50: pct(metric, 0.5),
          metricP99: pct(metric, 0.99),
          subCpuUsPerMsg: per(0),
          brokerCpuUsPerMsg: per(1),
        };
        rows.push(row);
        console.log(
          `${kind.padEnd(5)} ${String(rate).padStart(5)}/s: ${row.received}/${sent} received; hop p50 ${f(row.p50)} p90 ${f(row.p90)} p99 ${f(row.p99)} max ${f(row.max)} ms; as chatter_bus_hop_seconds p50 ${f(row.metricP50)} p99 ${f(row.metricP99)} ms; CPU/msg subscriber ${row.subCpuUsPerMsg ?? '—'} µs, broker ${row.brokerCpuUsPerMsg ?? '—'} µs`,
        );
      }
    } finally {
      await bus.close();
      const exited = new Promise((r) => sub.child.once('exit', r));
      sub.child.send({ op: 'stop' });
      await exited;
      await broker.stop?.();
    }
  }
  if (argv.includes('--json')) console.log(JSON.stringify(rows));
}

/** Publishes rate × seconds messages, open loop, round-robin over the topics; returns how many. */
async function publishAt(bus, rate, seconds, topics, pad) {
  const total = Math.round(rate * seconds);
  const t0 = performance.now() + 20;
  let i = 0;
  while (i < total) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(Math.min(wait, 50));
    else {
      // Everything due by now, then yield so the client can write.
      const now = performance.now();
      while (i < total && t0 + (i * 1000) / rate <= now + 0.5) {
        const payload = `{"type":"BENCH","t":"${nowNs()}","i":${i},"pad":"${pad}"}`;
        // Not awaited one by one: Chatter publishes from many requests at once (ioredis pipelines).
        bus.publish(topicOf(i % topics), payload).catch((e) => console.error(e.message));
        i++;
      }
      await new Promise((r) => setImmediate(r));
    }
  }
  return total;
}

// ---- subscriber process -------------------------------------------------------------------
async function subscriber() {
  const [, kind, url, topics] = argv;
  const clock = []; // ms on the monotonic clock
  const metric = []; // ms from the carried publish time (what chatter_bus_hop_seconds observes)
  const bus = await openBus(kind, url, (s) => metric.push(s * 1000));
  for (let i = 0; i < Number(topics); i++)
    await bus.subscribe(topicOf(i), (payload) => {
      const at = nowNs();
      const sent = BigInt(JSON.parse(payload).t);
      clock.push(Number(at - sent) / 1e6);
    });
  process.on('message', async (m) => {
    if (m.op === 'reset') {
      clock.length = 0;
      metric.length = 0;
      process.send({ op: 'reset' });
    } else if (m.op === 'report') {
      process.send({ op: 'report', clock: [...clock], metric: [...metric] });
    } else if (m.op === 'stop') {
      await bus.close();
      process.exit(0);
    }
  });
  process.send({ op: 'ready', pid: process.pid });
}

if (argv[0] === '--subscriber') await subscriber();
else await main();
