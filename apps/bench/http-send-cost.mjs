#!/usr/bin/env node
// CPU cost of one sendMessage over HTTP (or, with --socket, as a graphql-ws operation on each
// sender's own socket, as the SDK and the web app send): the server process's CPU time (utime +
// stime from /proc/<pid>/stat) over N sends, divided by N. CPU time rather than latency or throughput: a
// loaded machine changes it far less (though still some: shared caches and cores inflate it, by
// up to ±25% between runs here at a load average of 15 on 2 cores). To compare two builds, use
// --compare: both servers run at once and every run interleaves their sends, so both see the
// same machine state, and the per-run ratio is what to read.
//
//   node scripts/build.mjs api && node apps/bench/http-send-cost.mjs
//   node apps/bench/http-send-cost.mjs --sends 3000 --runs 3 --concurrency 8 --users 200 --rooms 50
//   node apps/bench/http-send-cost.mjs --cpu-prof DIR     # also a V8 profile of the server
//   node apps/bench/http-send-cost.mjs --socket           # sends on graphql-ws sockets instead
//   node apps/bench/http-send-cost.mjs --socket --subscribe   # every user also receives chatEvents
//   node apps/bench/http-send-cost.mjs --entry apps/bench/.cache/before/api/main.js \
//     --compare dist/api/main.js                          # two builds side by side
//
// --entry and --compare take a build's main.js; a copy of dist/api must sit inside the repository
// (e.g. apps/bench/.cache/before/api, which git ignores) so that node_modules resolve.
// With --cpu-prof the (first) server runs with `--cpu-prof` (the profiler's own cost raises the
// figures) and DIR/window.json gets the measured runs' window on the monotonic clock, which
// `node apps/bench/cpu-profile-breakdown.mjs DIR` uses to break the samples down by area.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import WebSocket from 'ws';
import { appToken, CHAT_EVENTS, freePort, option as opt, serverEnv } from './tool-support.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const SENDS = Number(opt('sends', 3000));
const RUNS = Number(opt('runs', 3));
const CONCURRENCY = Number(opt('concurrency', 8));
const USERS = Number(opt('users', 200));
const ROOMS = Number(opt('rooms', 50));
const ROOM_SIZE = Number(opt('room-size', 5));
const WARMUP = Number(opt('warmup', 1000));
const IDLE_MS = Number(opt('idle-ms', 5000));
const PROF_DIR = opt('cpu-prof', undefined);
const SUBSCRIBE = argv.includes('--subscribe');
const ON_SOCKET = SUBSCRIBE || argv.includes('--socket');
const ENTRIES = [resolve(opt('entry', join(root, 'dist/api/main.js')))];
if (opt('compare', undefined)) ENTRIES.push(resolve(opt('compare')));
const SECRET = 'bench-http-send-cost-secret-0123456789abcdef';
const CLK_TCK = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

/** One API process with its own data directory, clients and fixtures. */
class Server {
  constructor(entry, port, profile) {
    this.entry = entry;
    this.port = port;
    this.dataDir = mkdtempSync(join(tmpdir(), 'chatter-http-send-cost-'));
    this.agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
    this.rooms = [];
    this.sendNo = 0;
    /** With --socket: each user's open graphql-ws socket and its operations awaiting a result. */
    this.sockets = [];
    /** With --subscribe: chatEvents items received on every socket. */
    this.delivered = 0;
    const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profile)}`] : [];
    this.proc = spawn(process.execPath, [...nodeArgs, entry], {
      cwd: root,
      env: {
        ...serverEnv({ port, dataDir: this.dataDir, secret: SECRET }),
        // The per-user send budget stays on, sized so that this load stays under it.
        SENDS_PER_USER: '100000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.exited = new Promise((r) => this.proc.once('exit', r));
  }

  /** CPU time so far, in microseconds: user (utime), kernel (stime). */
  cpu() {
    const stat = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      user: (Number(fields[11]) * 1e6) / CLK_TCK,
      sys: (Number(fields[12]) * 1e6) / CLK_TCK,
    };
  }

  async ready() {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error('API did not become ready');
      if (this.proc.exitCode !== null) throw new Error(`API exited with ${this.proc.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${this.port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  post(token, payload) {
    return new Promise((ok, fail) => {
      const body = JSON.stringify(payload);
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/graphql',
          method: 'POST',
          agent: this.agent,
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
  }

  /** Users sign in (their first request creates them), then rooms of ROOM_SIZE. */
  async fixtures() {
    const ids = new Array(USERS);
    await pool(USERS, CONCURRENCY, async (u) => {
      ids[u] = (await this.post(tokens[u], { query: 'query BenchMe { me { id } }' })).me.id;
    });
    for (let r = 0; r < ROOMS; r++) {
      const members = Array.from({ length: ROOM_SIZE }, (_, k) => (r * ROOM_SIZE + k) % USERS);
      this.rooms.push({ members, id: '' });
    }
    await pool(ROOMS, CONCURRENCY, async (r) => {
      const [creator, ...others] = this.rooms[r].members;
      const data = await this.post(tokens[creator], {
        query:
          'mutation BenchGroup($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
        variables: { input: { title: `cost ${r}`, memberIds: others.map((u) => ids[u]) } },
      });
      this.rooms[r].id = data.createGroup.id;
    });
  }

  /** With --socket: one graphql-ws socket per user, authenticated by its token. */
  async openSockets() {
    await pool(USERS, CONCURRENCY, async (u) => {
      const ws = new WebSocket(
        `ws://127.0.0.1:${this.port}/graphql`,
        GRAPHQL_TRANSPORT_WS_PROTOCOL,
        {
          perMessageDeflate: false,
        },
      );
      const waiting = new Map();
      this.sockets[u] = { ws, waiting, nextId: 0 };
      await new Promise((ok, fail) => {
        ws.on('open', () =>
          ws.send(
            JSON.stringify({
              type: 'connection_init',
              payload: { authorization: `Bearer ${tokens[u]}` },
            }),
          ),
        );
        ws.on('error', fail);
        ws.on('close', (code) => {
          fail(new Error(`socket ${u} closed: ${code}`));
          for (const w of waiting.values()) w.fail(new Error(`socket ${u} closed: ${code}`));
        });
        ws.on('message', (data) => {
          const msg = JSON.parse(data.toString());
          if (msg.type === 'connection_ack') {
            if (SUBSCRIBE)
              ws.send(
                JSON.stringify({
                  id: 'events',
                  type: 'subscribe',
                  payload: { query: CHAT_EVENTS },
                }),
              );
            ok();
          } else if (msg.type === 'ping') ws.send('{"type":"pong"}');
          else if (msg.type === 'next' && msg.id === 'events') this.delivered++;
          else if (msg.type === 'next') {
            const w = waiting.get(msg.id);
            if (!w) return;
            waiting.delete(msg.id);
            if (msg.payload.errors) w.fail(new Error(JSON.stringify(msg.payload).slice(0, 300)));
            else w.ok(msg.payload.data);
          } else if (msg.type === 'error') {
            const w = waiting.get(msg.id);
            waiting.delete(msg.id);
            w?.fail(new Error(JSON.stringify(msg.payload).slice(0, 300)));
          }
        });
      });
    });
  }

  /** Resolves once no delivery has arrived for 300 ms (every send's fan-out has been written). */
  async drained() {
    for (let last = -1; last !== this.delivered;) {
      last = this.delivered;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** One operation on user u's socket; resolves with its result's data. */
  operate(u, payload) {
    const s = this.sockets[u];
    const id = String(++s.nextId);
    return new Promise((ok, fail) => {
      s.waiting.set(id, { ok, fail });
      s.ws.send(JSON.stringify({ id, type: 'subscribe', payload }));
    });
  }

  /** Send i goes to room i mod ROOMS, from each of its members in turn. */
  send(i) {
    const room = this.rooms[i % ROOMS];
    const user = room.members[Math.floor(i / ROOMS) % room.members.length];
    const payload = {
      query: SEND,
      variables: {
        input: {
          conversationId: room.id,
          clientMessageId: `cost-${process.pid}-${this.sendNo++}`,
          body: `message ${i} from user ${user}: the quick brown fox jumps over the lazy dog`,
        },
      },
    };
    return ON_SOCKET ? this.operate(user, payload) : this.post(tokens[user], payload);
  }

  async stop() {
    for (const s of this.sockets) {
      s?.ws.removeAllListeners('close');
      s?.ws.terminate();
    }
    this.agent.destroy();
    this.proc.kill('SIGTERM');
    await this.exited;
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

const SEND =
  'mutation BenchSend($input: SendMessageInput!) { sendMessage(input: $input) { id seq createdAt } }';

const pool = async (count, concurrency, fn) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tokens = [];
for (let i = 0; i < USERS; i++)
  tokens.push(await appToken(SECRET, `bench-u${i}`, `Bench user ${i}`));

if (PROF_DIR) mkdirSync(PROF_DIR, { recursive: true });
const servers = [];
for (const [i, entry] of ENTRIES.entries())
  servers.push(new Server(entry, await freePort(), i === 0 ? PROF_DIR : undefined));

// The client shares the machine with the servers it measures: it yields the CPU to them.
try {
  setPriority(Number(process.env.BENCH_NICE ?? 10));
} catch {
  // not permitted: same priority
}

/** Each send goes to every server in turn, so that they share the same moments of the machine. */
const sendAll = (i) => servers.reduce((p, s) => p.then(() => s.send(i)), Promise.resolve());

try {
  for (const s of servers) await s.ready();
  for (const s of servers) await s.fixtures();
  if (ON_SOCKET) for (const s of servers) await s.openSockets();
  await pool(WARMUP, CONCURRENCY, sendAll);

  // What each server spends with no request at all (timers, sweeps), to read the figures against.
  await new Promise((r) => setTimeout(r, 1000));
  const idle0 = servers.map((s) => s.cpu());
  const idleStart = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleMs = performance.now() - idleStart;
  const idleCpuMsPerSecond = servers.map((s, k) => {
    const c = s.cpu();
    return Number(((c.user + c.sys - idle0[k].user - idle0[k].sys) / idleMs).toFixed(2));
  });

  const load = [loadavg()[0]];
  const perSendUs = servers.map(() => []);
  const kernelShare = servers.map(() => []);
  const sendsPerSecond = [];
  const deliveriesPerSend = [];
  const window = { start: 0, end: 0 };
  let base = WARMUP;
  for (let run = 0; run < RUNS; run++) {
    await new Promise((r) => setTimeout(r, 300));
    const from = base;
    base += SENDS;
    if (run === 0) window.start = Number(process.hrtime.bigint() / 1000n);
    const cpu0 = servers.map((s) => s.cpu());
    const t0 = performance.now();
    const delivered0 = servers.map((s) => s.delivered);
    await pool(SENDS, CONCURRENCY, (i) => sendAll(from + i));
    for (const s of servers) await s.drained();
    const t1 = performance.now();
    const cpu1 = servers.map((s) => s.cpu());
    if (run === RUNS - 1) window.end = Number(process.hrtime.bigint() / 1000n);
    if (SUBSCRIBE) deliveriesPerSend.push(servers[0].delivered - delivered0[0]);
    const parts = servers.map((_, k) => {
      const used = cpu1[k].user + cpu1[k].sys - (cpu0[k].user + cpu0[k].sys);
      perSendUs[k].push(used / SENDS);
      kernelShare[k].push(Number(((cpu1[k].sys - cpu0[k].sys) / used).toFixed(2)));
      return `${(used / SENDS).toFixed(0)} µs`;
    });
    sendsPerSecond.push(Math.round(SENDS / ((t1 - t0) / 1000)));
    load.push(loadavg()[0]);
    console.error(
      `run ${run + 1}: CPU per send ${parts.join(' | ')}, ` +
        `${sendsPerSecond[run]} sends/s per server, load ${loadavg()[0].toFixed(2)}`,
    );
  }
  const figures = (k) => ({
    entry: servers[k].entry.replace(`${root}/`, ''),
    cpuUsPerSend: perSendUs[k].map((x) => Math.round(x)),
    medianCpuUsPerSend: Math.round(median(perSendUs[k])),
    kernelShare: kernelShare[k],
    idleCpuMsPerSecond: idleCpuMsPerSecond[k],
  });
  const result = {
    over: ON_SOCKET ? 'socket' : 'http',
    ...(SUBSCRIBE ? { deliveriesPerSend: deliveriesPerSend.map((d) => d / SENDS) } : {}),
    sends: SENDS,
    runs: RUNS,
    concurrency: CONCURRENCY,
    users: USERS,
    rooms: ROOMS,
    roomSize: ROOM_SIZE,
    ...figures(0),
    ...(servers.length > 1
      ? {
          compare: figures(1),
          // compare ÷ entry, run by run (the same moments of the machine), and their median
          ratios: perSendUs[1].map((x, r) => Number((x / perSendUs[0][r]).toFixed(3))),
          medianRatio: Number(median(perSendUs[1].map((x, r) => x / perSendUs[0][r])).toFixed(3)),
        }
      : {}),
    sendsPerSecond,
    loadAverage1m: load.map((x) => Number(x.toFixed(2))),
    cpus: cpus().length,
    profiled: Boolean(PROF_DIR),
  };
  if (PROF_DIR) writeFileSync(join(PROF_DIR, 'window.json'), JSON.stringify(window));
  console.log(JSON.stringify(result));
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
