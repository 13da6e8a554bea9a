#!/usr/bin/env node
// CPU cost of one HTTP sendMessage: the server process's CPU time (utime + stime from
// /proc/<pid>/stat) over N sends, divided by N. CPU time, not latency or throughput, so a loaded
// machine changes the figure far less (it still moves it a little: caches, frequency).
//
//   node scripts/build.mjs api && node apps/bench/http-send-cost.mjs
//   node apps/bench/http-send-cost.mjs --sends 3000 --runs 3 --concurrency 8 --users 200 --rooms 50
//   node apps/bench/http-send-cost.mjs --cpu-prof DIR     # also a V8 profile of the server
//   node apps/bench/http-send-cost.mjs --entry apps/bench/.cache/before/api/main.js  # another build
//
// With --cpu-prof the server runs with `--cpu-prof` (the profiler's own cost raises the figures)
// and DIR/window.json gets the measured runs' window on the monotonic clock, which
// `node apps/bench/cpu-profile-breakdown.mjs DIR` uses to break the samples down by area.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const SENDS = Number(opt('sends', 3000));
const RUNS = Number(opt('runs', 3));
const CONCURRENCY = Number(opt('concurrency', 8));
const USERS = Number(opt('users', 200));
const ROOMS = Number(opt('rooms', 50));
const ROOM_SIZE = Number(opt('room-size', 5));
const WARMUP = Number(opt('warmup', 1000));
const PROF_DIR = opt('cpu-prof', undefined);
// --entry PATH: another build of the API (e.g. a copy of dist/api under apps/bench/.cache, so that
// node_modules still resolve) to compare two builds in the same machine state.
const ENTRY = resolve(opt('entry', join(root, 'dist/api/main.js')));
const SECRET = 'bench-http-send-cost-secret-0123456789abcdef';
const CLK_TCK = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

const port = await new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => ok(p));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'chatter-http-send-cost-'));
const nodeArgs = [];
if (PROF_DIR) {
  mkdirSync(PROF_DIR, { recursive: true });
  nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(PROF_DIR)}`);
}
const api = spawn(process.execPath, [...nodeArgs, ENTRY], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    ALLOW_LOG_SMS_IN_PRODUCTION: 'true',
    PLAYGROUND: 'false',
    LOG_LEVEL: 'warn',
    DEFAULT_TENANT_SECRET: SECRET,
    // Every client connects from 127.0.0.1: the per-address limits are off (as in the bench).
    WS_MAX_SOCKETS_PER_IP: '0',
    WS_CONNECTS_PER_IP: '0',
    // The per-user send budget stays on, sized so that this load stays under it.
    SENDS_PER_USER: '100000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const exited = new Promise((r) => api.once('exit', r));

// The client shares the machine with the server it measures: it yields the CPU to the server.
try {
  setPriority(Number(process.env.BENCH_NICE ?? 10));
} catch {
  // not permitted: same priority
}

/** Server CPU time so far, in microseconds: user (utime), kernel (stime). */
const serverCpu = () => {
  const stat = readFileSync(`/proc/${api.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1e6) / CLK_TCK, sys: (Number(fields[12]) * 1e6) / CLK_TCK };
};

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
const post = (token, payload) =>
  new Promise((ok, fail) => {
    const body = JSON.stringify(payload);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (res.statusCode !== 200 || json.errors)
              fail(new Error(`${res.statusCode} ${JSON.stringify(json).slice(0, 300)}`));
            else ok(json.data);
          } catch (e) {
            fail(e);
          }
        });
      },
    );
    req.on('error', fail);
    req.end(body);
  });

const key = new TextEncoder().encode(SECRET);
const tokens = [];
const now = Math.floor(Date.now() / 1000);
for (let i = 0; i < USERS; i++)
  tokens.push(
    await new SignJWT({ name: `Bench user ${i}` })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('app:default')
      .setSubject(`bench-u${i}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key),
  );

const pool = async (count, concurrency, fn) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
};

const SEND =
  'mutation BenchSend($input: SendMessageInput!) { sendMessage(input: $input) { id seq createdAt } }';
let sendNo = 0;
/** Room r has the users r*ROOM_SIZE … (mod USERS); send i goes to room i mod ROOMS by one of them. */
const rooms = [];
const send = (i) => {
  const r = i % ROOMS;
  const room = rooms[r];
  const user = room.members[Math.floor(i / ROOMS) % room.members.length];
  return post(tokens[user], {
    query: SEND,
    variables: {
      input: {
        conversationId: room.id,
        clientMessageId: `cost-${process.pid}-${sendNo++}`,
        body: `message ${i} from user ${user}: the quick brown fox jumps over the lazy dog`,
      },
    },
  });
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  for (let i = 0; ; i++) {
    if (i > 600) throw new Error('API did not become ready');
    if (api.exitCode !== null) throw new Error(`API exited with ${api.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Users sign in (first request creates them), then rooms of ROOM_SIZE.
  const ids = new Array(USERS);
  await pool(USERS, CONCURRENCY, async (u) => {
    ids[u] = (await post(tokens[u], { query: 'query BenchMe { me { id } }' })).me.id;
  });
  for (let r = 0; r < ROOMS; r++) {
    const members = Array.from({ length: ROOM_SIZE }, (_, k) => (r * ROOM_SIZE + k) % USERS);
    rooms.push({ members, id: '' });
  }
  await pool(ROOMS, CONCURRENCY, async (r) => {
    const [creator, ...others] = rooms[r].members;
    const data = await post(tokens[creator], {
      query:
        'mutation BenchGroup($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
      variables: { input: { title: `cost ${r}`, memberIds: others.map((u) => ids[u]) } },
    });
    rooms[r].id = data.createGroup.id;
  });
  await pool(WARMUP, CONCURRENCY, send);

  const load = [loadavg()[0]];
  const perSendUs = [];
  const sysShare = [];
  const wallMs = [];
  const window = { start: 0, end: 0 };
  for (let run = 0; run < RUNS; run++) {
    await new Promise((r) => setTimeout(r, 300));
    const base = sendNo;
    if (run === 0) window.start = Number(process.hrtime.bigint() / 1000n);
    const cpu0 = serverCpu();
    const t0 = performance.now();
    await pool(SENDS, CONCURRENCY, (i) => send(base + i));
    const t1 = performance.now();
    const cpu1 = serverCpu();
    if (run === RUNS - 1) window.end = Number(process.hrtime.bigint() / 1000n);
    const used = cpu1.user + cpu1.sys - (cpu0.user + cpu0.sys);
    perSendUs.push(used / SENDS);
    sysShare.push((cpu1.sys - cpu0.sys) / used);
    wallMs.push(t1 - t0);
    load.push(loadavg()[0]);
    console.error(
      `run ${run + 1}: ${(used / SENDS).toFixed(0)} µs CPU per send ` +
        `(${Math.round((100 * (cpu1.sys - cpu0.sys)) / used)}% kernel), ` +
        `${(SENDS / ((t1 - t0) / 1000)).toFixed(0)} sends/s, load ${loadavg()[0].toFixed(2)}`,
    );
  }
  const result = {
    sends: SENDS,
    runs: RUNS,
    concurrency: CONCURRENCY,
    users: USERS,
    rooms: ROOMS,
    roomSize: ROOM_SIZE,
    cpuUsPerSend: perSendUs.map((x) => Math.round(x)),
    medianCpuUsPerSend: Math.round(median(perSendUs)),
    kernelShare: sysShare.map((x) => Number(x.toFixed(2))),
    sendsPerSecond: wallMs.map((ms) => Math.round(SENDS / (ms / 1000))),
    loadAverage1m: load.map((x) => Number(x.toFixed(2))),
    cpus: cpus().length,
    profiled: Boolean(PROF_DIR),
  };
  if (PROF_DIR) writeFileSync(join(PROF_DIR, 'window.json'), JSON.stringify(window));
  console.log(JSON.stringify(result));
} finally {
  agent.destroy();
  api.kill('SIGTERM');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
}
