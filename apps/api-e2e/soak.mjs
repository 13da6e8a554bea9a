#!/usr/bin/env node
// Soak test: a real API under steady chat traffic with reconnect churn for a long time.
//
//   npm run soak -- [--duration 600] [--cluster [--instances 2]] [--users 200] [--room-size 10] [--rate 50]
//                   [--churn 0.01] [--sample 5] [--json report.json] [--api-env NAME=VALUE ...]
//
// Starts an API (embedded SQLite by default; --cluster: two instances on the jongodb MongoDB
// test engine, Redis and NATS), signs users in with app-issued tokens, puts them in rooms, sends
// ~rate messages/s, and every second drops a fraction of the sockets, which resume with `since`
// cursors. It samples each API process (RSS split into anonymous and file-backed, heap used and
// total, external memory, SQLite file size, open fds, event-loop delay, sockets),
// checks that every client got every message of its rooms exactly once, in order, by
// (conversation, seq), and ends with a table and a verdict on flatness (linear-regression slope
// over the last two thirds of the run). Exit code: 0 ok, 1 lost/duplicated/failed, 2 not flat.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startApi, startServices } from './soak/services.mjs';
import { flatness, percentile } from './soak/stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    cluster: { type: 'boolean', default: false },
    instances: { type: 'string' },
    users: { type: 'string', default: '200' },
    'room-size': { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    churn: { type: 'string', default: '0.01' },
    sample: { type: 'string', default: '5' },
    json: { type: 'string' },
    'api-env': { type: 'string', multiple: true, default: [] },
  },
});
const DURATION_S = Number(opts.duration);
const USERS = Number(opts.users);
const ROOM_SIZE = Number(opts['room-size']);
const RATE = Number(opts.rate);
const CHURN = Number(opts.churn);
const SAMPLE_S = Number(opts.sample);
for (const [k, v] of Object.entries({
  duration: DURATION_S,
  users: USERS,
  'room-size': ROOM_SIZE,
  rate: RATE,
  sample: SAMPLE_S,
})) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`);
}
if (USERS % ROOM_SIZE !== 0) throw new Error('--users must be a multiple of --room-size');

const SECRET = randomBytes(24).toString('hex');
const log = (...a) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- API processes
const services = opts.cluster ? await startServices(ROOT) : null;
// Every simulated client connects from 127.0.0.1: the per-address socket limits are off.
// Embedded mode: SQLite's page cache fills one to one as the database grows, up to
// SQLITE_CACHE_MIB (16 MiB by default), and a soak starts from an empty database, so with the
// default the first 10 minutes show that fill as RSS growth. The soak runs with a 2 MiB cache,
// full within the first minute, so that what it measures for flatness is everything else;
// `--api-env SQLITE_CACHE_MIB=16` shows the fill.
// --api-env adds settings for the API processes (an allocator setting, a Node flag through NODE_OPTIONS).
const extraEnv = Object.fromEntries(
  opts['api-env'].map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--api-env takes NAME=VALUE, got ${JSON.stringify(pair)}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
const apiEnv = {
  DEFAULT_TENANT_SECRET: SECRET,
  WS_MAX_SOCKETS_PER_IP: '0',
  WS_CONNECTS_PER_IP: '0',
  SQLITE_CACHE_MIB: '2',
  ...(services?.env ?? {}),
  ...extraEnv,
};
const INSTANCES = opts.cluster ? Number(opts.instances ?? 2) : 1;
if (!Number.isInteger(INSTANCES) || INSTANCES < 1)
  throw new Error('--instances must be a positive integer (with --cluster)');
const apis = [];
try {
  for (let i = 0; i < INSTANCES; i++) apis.push(await startApi(ROOT, apiEnv));
} catch (error) {
  await services?.stop();
  throw error;
}
log(
  `${opts.cluster ? `cluster: ${INSTANCES} instance(s) on jongodb + Redis + NATS` : `embedded (SQLite with a ${apiEnv.SQLITE_CACHE_MIB} MiB page cache, in-process bus)`}; API pids ${apis.map((a) => a.pid).join(', ')}`,
);

async function gql(api, query, variables, token) {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

// ---------------------------------------------------------------- users and rooms
const lifetime = Math.min(24 * 3600, DURATION_S + 3600);
async function token(sub) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('app:default')
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(new TextEncoder().encode(SECRET));
}

const run = randomBytes(3).toString('hex');
const users = [];
for (let i = 0; i < USERS; i += 20) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(20, USERS - i) }, async (_, k) => {
      const idx = i + k;
      const t = await token(`soak-${run}-${idx}`);
      const api = apis[idx % apis.length];
      const me = await gql(api, '{ me { id } }', {}, t);
      if (!me.data) throw new Error(`sign-in failed: ${JSON.stringify(me.errors)}`);
      return { idx, token: t, id: me.data.me.id, api, rooms: [] };
    }),
  );
  users.push(...batch);
}
const rooms = [];
for (let r = 0; r < USERS / ROOM_SIZE; r++) {
  const members = users.slice(r * ROOM_SIZE, (r + 1) * ROOM_SIZE);
  const created = await gql(
    members[0].api,
    'mutation($t:String!,$m:[ID!]!){ createGroup(input:{title:$t, memberIds:$m}){ id lastSeq } }',
    { t: `Room ${r}`, m: members.slice(1).map((u) => u.id) },
    members[0].token,
  );
  if (!created.data) throw new Error(`createGroup failed: ${JSON.stringify(created.errors)}`);
  const room = {
    id: created.data.createGroup.id,
    members,
    baseSeq: created.data.createGroup.lastSeq,
  };
  rooms.push(room);
  for (const m of members) m.rooms.push(room);
}
log(`${users.length} users in ${rooms.length} rooms of ${ROOM_SIZE}`);

// ---------------------------------------------------------------- clients
const STREAM = `subscription($since:[ConversationCursorInput!]) { chatEvents(since:$since) {
  __typename ... on MessageAdded { seq message { conversationId } } ... on ResyncRequired { conversationId reason } } }`;

const stats = {
  connects: 0,
  drops: 0,
  serverCloses: {},
  resyncs: 0,
  duplicates: 0,
  outOfOrder: 0,
  delivered: 0,
  sent: 0,
  sendErrors: {},
  rateLimited: 0,
};

class SoakClient {
  constructor(user) {
    this.user = user;
    /** Per conversation: last seq applied, and every seq applied (for the final check). */
    this.last = new Map(user.rooms.map((r) => [r.id, r.baseSeq]));
    this.seen = new Map(user.rooms.map((r) => [r.id, new Set()]));
    this.ws = null;
    this.pending = null;
    this.stopped = false;
  }

  connect() {
    clearTimeout(this.pending);
    this.pending = null;
    if (this.stopped) return;
    const ws = new WebSocket(this.user.api.wsUrl, 'graphql-transport-ws');
    this.ws = ws;
    stats.connects++;
    ws.on('open', () =>
      ws.send(
        JSON.stringify({
          type: 'connection_init',
          payload: { authorization: `Bearer ${this.user.token}` },
        }),
      ),
    );
    ws.on('message', (data) => {
      if (this.ws !== ws) return; // a dropped socket: nothing it still delivers is applied
      const m = JSON.parse(String(data));
      if (m.type === 'connection_ack') {
        const since = [...this.last].map(([conversationId, afterSeq]) => ({
          conversationId,
          afterSeq,
        }));
        ws.send(
          JSON.stringify({
            id: 's',
            type: 'subscribe',
            payload: { query: STREAM, variables: { since } },
          }),
        );
      } else if (m.type === 'next') {
        const e = m.payload?.data?.chatEvents;
        if (e?.__typename === 'ResyncRequired') stats.resyncs++;
        if (e?.__typename !== 'MessageAdded') return;
        const conv = e.message.conversationId;
        const seen = this.seen.get(conv);
        if (!seen) return;
        if (seen.has(e.seq)) stats.duplicates++;
        else if (e.seq <= this.last.get(conv)) stats.outOfOrder++;
        seen.add(e.seq);
        if (e.seq > this.last.get(conv)) this.last.set(conv, e.seq);
        stats.delivered++;
      } else if (m.type === 'error') {
        stats.sendErrors[`subscribe:${m.payload?.[0]?.extensions?.code}`] =
          (stats.sendErrors[`subscribe:${m.payload?.[0]?.extensions?.code}`] ?? 0) + 1;
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (this.ws !== ws || this.stopped) return;
      stats.serverCloses[code] = (stats.serverCloses[code] ?? 0) + 1;
      this.ws = null;
      this.pending = setTimeout(() => this.connect(), 500 + Math.random() * 1000);
    });
  }

  /** Reconnect churn: the socket dies without a close handshake; the client resumes shortly after. */
  drop() {
    const ws = this.ws;
    this.ws = null;
    ws?.terminate();
    stats.drops++;
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.connect(), 200 + Math.random() * 800);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.pending);
    this.ws?.close(1000);
  }
}

const clients = users.map((u) => new SoakClient(u));
for (let i = 0; i < clients.length; i += 25) {
  clients.slice(i, i + 25).forEach((c) => c.connect());
  await sleep(100);
}
await sleep(2_000);

// ---------------------------------------------------------------- sampling
async function sampleApi(api) {
  let text = '';
  try {
    text = await (await fetch(`${api.url}/metrics`)).text();
  } catch {
    // a failed scrape shows as NaN
  }
  const metric = (name, label = '') => {
    const m = new RegExp(
      `^${name}${label ? `\\{[^}]*${label}[^}]*\\}` : '(?:\\{[^}]*\\})?'} ([0-9.eE+-]+)$`,
      'm',
    ).exec(text);
    return m ? Number(m[1]) : NaN;
  };
  // Resident memory, and its split by kind: anonymous (heaps, allocator arenas), file-backed
  // (code pages faulted in as new paths run) and shared memory (SQLite's WAL index).
  const memory = { rss: NaN, rssAnon: NaN, rssFile: NaN, rssShmem: NaN };
  let fds = NaN;
  try {
    const status = readFileSync(`/proc/${api.pid}/status`, 'utf8');
    const kb = (field) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    memory.rss = kb('VmRSS');
    memory.rssAnon = kb('RssAnon');
    memory.rssFile = kb('RssFile');
    memory.rssShmem = kb('RssShmem');
    fds = readdirSync(`/proc/${api.pid}/fd`).length;
  } catch {
    // not Linux, or the process is gone
  }
  // Embedded mode: the SQLite file and its WAL (the page cache fills as these grow).
  let db = NaN;
  try {
    db = ['chatter.sqlite', 'chatter.sqlite-wal'].reduce(
      (n, f) => n + (statSync(join(api.dataDir, f), { throwIfNoEntry: false })?.size ?? 0),
      0,
    );
  } catch {
    // no data directory
  }
  const ready = await fetch(`${api.url}/readyz`)
    .then((r) => r.status)
    .catch(() => 0);
  return {
    ...memory,
    db,
    heap: metric('nodejs_heap_size_used_bytes'),
    heapTotal: metric('nodejs_heap_size_total_bytes'),
    external: metric('nodejs_external_memory_bytes'),
    fds: Number.isFinite(fds) ? fds : metric('process_open_fds'),
    loopP50: metric('chatter_event_loop_delay_seconds', 'quantile="0.5"'),
    loopP99: metric('chatter_event_loop_delay_seconds', 'quantile="0.99"'),
    sockets: metric('chatter_ws_connections_open'),
    ready,
  };
}

const t0 = Date.now();
const samples = []; // one row per API per sample
let last = { t: 0, sent: 0, delivered: 0 };
let sampling = null;
async function takeSample() {
  if (sampling) return sampling; // a slow scrape is not overlapped by the next one
  sampling = (async () => {
    const t = Date.now() - t0;
    const counts = { sent: stats.sent, delivered: stats.delivered };
    const per = await Promise.all(apis.map(sampleApi));
    const seconds = Math.max(0.001, (t - last.t) / 1000);
    per.forEach((s, i) =>
      samples.push({
        t,
        api: i,
        ...s,
        sentRate: (counts.sent - last.sent) / seconds,
        deliveredRate: (counts.delivered - last.delivered) / seconds,
      }),
    );
    last = { t, ...counts };
  })().finally(() => (sampling = null));
  return sampling;
}
await takeSample();
const sampler = setInterval(() => void takeSample(), SAMPLE_S * 1000);

// ---------------------------------------------------------------- traffic
const acked = new Map(rooms.map((r) => [r.id, new Set()]));
/** When each (room, seq) was acknowledged, relative to t0 (to tell out-of-order commits). */
const ackedAt = new Map();
let inFlight = 0;
let counter = 0;
const latencies = [];
async function sendOne() {
  const user = users[Math.floor(Math.random() * users.length)];
  const room = user.rooms[Math.floor(Math.random() * user.rooms.length)];
  const api = apis[counter % apis.length];
  const key = `soak-${run}-${counter++}`;
  inFlight++;
  const started = performance.now();
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await gql(
        api,
        'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ seq } }',
        { c: room.id, k: key, b: `soak ${key}` },
        user.token,
      );
      const seq = r.data?.sendMessage?.seq;
      if (typeof seq === 'number') {
        acked.get(room.id).add(seq);
        ackedAt.set(`${room.id}:${seq}`, Date.now() - t0);
        stats.sent++;
        latencies.push(performance.now() - started);
        return;
      }
      const code = r.errors?.[0]?.extensions?.code ?? 'unknown';
      if (code !== 'RATE_LIMITED') {
        stats.sendErrors[code] = (stats.sendErrors[code] ?? 0) + 1;
        return;
      }
      stats.rateLimited++;
      await sleep(Number(r.errors[0].extensions.retryAfterSeconds ?? 1) * 1000);
    }
  } catch (error) {
    stats.sendErrors[String(error?.cause?.code ?? error?.name ?? error)] =
      (stats.sendErrors[String(error?.cause?.code ?? error?.name ?? error)] ?? 0) + 1;
  } finally {
    inFlight--;
  }
}

const endAt = t0 + DURATION_S * 1000;
let nextProgress = t0 + 30_000;
const churner = setInterval(() => {
  const n = Math.max(1, Math.round(clients.length * CHURN));
  for (let i = 0; i < n; i++) clients[Math.floor(Math.random() * clients.length)].drop();
}, 1000);
const interval = 1000 / RATE;
let due = Date.now();
while (Date.now() < endAt) {
  while (due <= Date.now()) {
    if (inFlight < 500) void sendOne();
    due += interval;
  }
  if (Date.now() >= nextProgress) {
    const s = samples.at(-1);
    log(
      `${Math.round((Date.now() - t0) / 1000)} s: sent ${stats.sent}, delivered ${stats.delivered}, drops ${stats.drops}, RSS ${(s.rss / 2 ** 20).toFixed(0)} MiB, heap ${(s.heap / 2 ** 20).toFixed(0)} MiB, fds ${s.fds}`,
    );
    nextProgress += 30_000;
  }
  await sleep(Math.max(1, Math.min(20, due - Date.now())));
}
clearInterval(churner);
while (inFlight > 0) await sleep(50);
log('traffic stopped; letting every client reconnect and catch up');
// Every client must end connected and caught up with what the store acknowledged.
for (const c of clients) if (!c.pending && (!c.ws || c.ws.readyState > WebSocket.OPEN)) c.connect();
const caughtUp = () =>
  clients.every((c) =>
    c.user.rooms.every((r) => [...acked.get(r.id)].every((seq) => c.seen.get(r.id).has(seq))),
  );
const drainEnd = Date.now() + 60_000;
while (!caughtUp() && Date.now() < drainEnd) await sleep(200);
clearInterval(sampler);
await sampling;
await takeSample();

// ---------------------------------------------------------------- checks
let lost = 0;
let lostClients = 0;
const lostBy = new Map();
for (const c of clients) {
  let mine = 0;
  for (const r of c.user.rooms) {
    for (const seq of acked.get(r.id)) {
      if (c.seen.get(r.id).has(seq)) continue;
      mine++;
      const key = `${r.id}:${seq}`;
      lostBy.set(key, (lostBy.get(key) ?? 0) + 1);
    }
  }
  lost += mine;
  if (mine) lostClients++;
}
if (lostBy.size > 0) {
  console.log(
    `\nLost deliveries by message (${lostBy.size} messages; first 15): room:seq ×clients, acknowledged at, next seq acknowledged at`,
  );
  for (const [key, n] of [...lostBy].slice(0, 15)) {
    const [room, seq] = key.split(':');
    const next = ackedAt.get(`${room}:${Number(seq) + 1}`);
    console.log(
      `  ${room.slice(0, 8)}…:${seq} ×${n}, acknowledged ${ackedAt.get(key)} ms, seq ${Number(seq) + 1} acknowledged ${next ?? '-'} ms${next !== undefined && next < ackedAt.get(key) ? ' (earlier: committed out of order)' : ''}`,
    );
  }
}
// The store agrees with the acknowledgements: every acknowledged seq is in the history.
let notStored = 0;
for (const r of rooms.slice(0, 20)) {
  const stored = new Set();
  let after = r.baseSeq;
  for (;;) {
    const page = await gql(
      r.members[0].api,
      'query($c:ID!,$a:Int){ messages(conversationId:$c, first:100, after:$a){ edges { node { seq } } pageInfo { hasNextPage } } }',
      { c: r.id, a: after },
      r.members[0].token,
    );
    const edges = page.data?.messages.edges ?? [];
    edges.forEach((e) => stored.add(e.node.seq));
    if (!page.data?.messages.pageInfo.hasNextPage || edges.length === 0) break;
    after = edges.at(-1).node.seq;
  }
  for (const seq of acked.get(r.id)) if (!stored.has(seq)) notStored++;
}

clients.forEach((c) => c.stop());
await Promise.all(apis.map((a) => a.stop()));
await services?.stop();

// ---------------------------------------------------------------- report
const mib = (b) => (b / 2 ** 20).toFixed(1);
const rows = samples.filter(
  (s, i, all) =>
    all.length <= 40 * apis.length ||
    i % Math.ceil(all.length / (40 * apis.length)) === 0 ||
    i >= all.length - apis.length,
);
console.log('\nSamples (every %d s; at most 40 rows per instance shown):', SAMPLE_S);
console.log(
  '|     t s | api |  RSS MiB | anon MiB | file MiB | heap MiB | heap total MiB | external MiB |   db MiB |  fds | loop p50 ms | loop p99 ms | sockets | sent/s | delivered/s | readyz |',
);
console.log(
  '| ------- | --- | -------- | -------- | -------- | -------- | -------------- | ------------ | -------- | ---- | ----------- | ----------- | ------- | ------ | ----------- | ------ |',
);
for (const s of rows) {
  console.log(
    `| ${(s.t / 1000).toFixed(0).padStart(7)} | ${String(s.api).padStart(3)} | ${mib(s.rss).padStart(8)} | ${mib(s.rssAnon).padStart(8)} | ${mib(s.rssFile).padStart(8)} | ${mib(s.heap).padStart(8)} | ${mib(s.heapTotal).padStart(14)} | ${mib(s.external).padStart(12)} | ${mib(s.db).padStart(8)} | ${String(s.fds).padStart(4)} | ${(s.loopP50 * 1000).toFixed(1).padStart(11)} | ${(s.loopP99 * 1000).toFixed(1).padStart(11)} | ${String(s.sockets).padStart(7)} | ${s.sentRate.toFixed(1).padStart(6)} | ${s.deliveredRate.toFixed(1).padStart(11)} | ${String(s.ready).padStart(6)} |`,
  );
}

const verdicts = [];
for (let i = 0; i < apis.length; i++) {
  const mine = samples
    .filter((s) => s.api === i && s.t <= DURATION_S * 1000)
    .sort((x, y) => x.t - y.t);
  if (mine.length < 6) continue;
  // The heap floor (lowest heap in the trailing 30 s) follows what survives garbage collection;
  // the raw heap saw-tooths with every GC cycle.
  for (const s of mine)
    s.heapFloor = Math.min(
      ...mine.filter((o) => o.t <= s.t && o.t >= s.t - 30_000).map((o) => o.heap),
    );
  verdicts.push({ api: i, ...flatness(mine, 'rss', { tolerance: 16 * 2 ** 20, relative: 0.05 }) });
  verdicts.push({ api: i, ...flatness(mine, 'heap', { tolerance: 8 * 2 ** 20, relative: 0.1 }) });
  verdicts.push({
    api: i,
    ...flatness(
      mine.filter((s) => s.t >= 30_000),
      'heapFloor',
      { tolerance: 8 * 2 ** 20, relative: 0.1 },
    ),
  });
  verdicts.push({ api: i, ...flatness(mine, 'fds', { tolerance: 5, relative: 0 }) });
  // Event-loop delay (p99 of each sample interval): a creeping delay means work that grows with
  // uptime (a list scanned on every tick, a timer per past socket).
  verdicts.push({ api: i, ...flatness(mine, 'loopP99', { tolerance: 0.005, relative: 0.25 }) });
}
console.log('\nFlatness over the last two thirds of the run (linear regression):');
console.log(
  '| api | series    | mean        | slope / min   |    R² | growth in window | allowed      | verdict |',
);
console.log(
  '| --- | --------- | ----------- | ------------- | ----- | ---------------- | ------------ | ------- |',
);
for (const v of verdicts) {
  const fmt = (x) =>
    v.key === 'fds'
      ? x.toFixed(1)
      : v.key === 'loopP99'
        ? `${(x * 1000).toFixed(2)} ms`
        : `${mib(x)} MiB`;
  console.log(
    `| ${String(v.api).padStart(3)} | ${v.key.padEnd(9)} | ${fmt(v.mean).padStart(11)} | ${fmt(v.slopePerMin).padStart(13)} | ${v.r2.toFixed(2).padStart(5)} | ${fmt(v.growth).padStart(16)} | ${fmt(v.allowed).padStart(12)} | ${v.flat ? 'flat' : 'GROWING'} |`,
  );
}
const loops = samples.filter((s) => Number.isFinite(s.loopP99)).map((s) => s.loopP99 * 1000);
const totalAcked = [...acked.values()].reduce((n, s) => n + s.size, 0);
const expectedDeliveries = rooms.reduce((n, r) => n + acked.get(r.id).size * r.members.length, 0);
const summary = {
  mode: opts.cluster
    ? `cluster (${INSTANCES} instance(s), jongodb + Redis + NATS)`
    : `embedded (SQLite page cache ${apiEnv.SQLITE_CACHE_MIB} MiB)`,
  durationS: DURATION_S,
  users: USERS,
  rooms: rooms.length,
  messagesAcknowledged: totalAcked,
  sendRate: +(totalAcked / DURATION_S).toFixed(1),
  sendLatencyMs: {
    p50: +percentile(latencies, 50).toFixed(1),
    p99: +percentile(latencies, 99).toFixed(1),
  },
  deliveriesExpected: expectedDeliveries,
  deliveriesApplied: stats.delivered,
  lost,
  lostClients,
  duplicates: stats.duplicates,
  outOfOrder: stats.outOfOrder,
  acknowledgedButNotStored: notStored,
  reconnects: {
    churnDrops: stats.drops,
    connects: stats.connects,
    serverCloses: stats.serverCloses,
    resyncs: stats.resyncs,
  },
  sendErrors: stats.sendErrors,
  rateLimitedRetries: stats.rateLimited,
  eventLoopP99Ms: {
    median: +percentile(loops, 50).toFixed(1),
    max: +Math.max(...loops).toFixed(1),
  },
  flat: verdicts.every((v) => v.flat),
};
console.log('\nSummary:', JSON.stringify(summary, null, 2));
if (opts.json) writeFileSync(opts.json, JSON.stringify({ summary, verdicts, samples }, null, 2));
const correct =
  lost === 0 &&
  stats.duplicates === 0 &&
  stats.outOfOrder === 0 &&
  notStored === 0 &&
  Object.keys(stats.sendErrors).length === 0;
console.log(
  `\nVerdict: ${correct ? '0 lost, 0 duplicated' : 'DELIVERY PROBLEMS'}; memory/handles ${summary.flat ? 'flat' : 'GROWING'}`,
);
if (DURATION_S < 600)
  console.log(
    '(runs shorter than 10 minutes are indicative only: the first minutes still include warm-up growth)',
  );
process.exit(correct ? (summary.flat ? 0 : 2) : 1);
