// What one idle subscribed connection keeps on Chatter's heap, by kind of object.
//
// Starts dist/api (embedded store), opens a few connections so the code paths are compiled, takes
// a heap snapshot, opens N more connections (each authenticated by an app token, its user created
// on connect, one `chatEvents` subscription), takes another, and prints the difference per
// connection: V8 node type and constructor name, and for plain objects, arrays and contexts their
// property names (so a closure context or an options object can be told apart).
//
//   node scripts/build.mjs api
//   node apps/bench/heap-per-connection.mjs [--connections 2000] [--top 40] [--entry dist/api/main.js]
//                                          [--query bench|web-app]
//
// A heap snapshot forces a full GC first, so the figures are live objects only; the bench's
// scenario 3 measures RSS, which also holds garbage not collected yet and native memory.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import WebSocket from 'ws';
import { appToken, CHAT_EVENTS, freePort, option as opt, serverEnv } from './tool-support.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(opt('connections', 2000));
const TOP = Number(opt('top', 40));
const ENTRY = resolve(opt('entry', join(root, 'dist/api/main.js')));
// `--query web-app`: the web app's own chatEvents document (libs/client), instead of the bench's.
const QUERY =
  opt('query', 'bench') === 'web-app'
    ? Object.values(
        JSON.parse(
          readFileSync(join(root, 'libs/client/src/generated/persisted-documents.json'), 'utf8'),
        ),
      ).find((text) => text.includes('subscription ChatEvents'))
    : CHAT_EVENTS;
const WARMUP = 200;
const SECRET = 'bench-heap-per-connection-secret-0123456789abcdef';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const port = await freePort();
const work = mkdtempSync(join(tmpdir(), 'chatter-heap-'));
const snapshots = join(work, 'snapshots');
mkdirSync(snapshots);
const server = spawn(
  process.execPath,
  ['--heapsnapshot-signal=SIGUSR1', `--diagnostic-dir=${snapshots}`, ENTRY],
  {
    cwd: root,
    env: serverEnv({ port, dataDir: join(work, 'data'), secret: SECRET }),
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const ready = `http://127.0.0.1:${port}/readyz`;
for (
  let i = 0;
  !(await fetch(ready).then(
    (r) => r.ok,
    () => false,
  ));
  i++
) {
  if (i > 300 || server.exitCode !== null) throw new Error('the API did not become ready');
  await sleep(200);
}

const sockets = [];
/** Opens connections for users first..first+count-1, each subscribed to chatEvents. */
async function open(first, count) {
  for (let i = first; i < first + count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, first + count - i) }, async (_, k) => {
        const token = await appToken(SECRET, `heap-u${i + k}`, `Heap user ${i + k}`);
        const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, GRAPHQL_TRANSPORT_WS_PROTOCOL, {
          perMessageDeflate: false,
        });
        sockets.push(ws);
        await new Promise((ok, fail) => {
          ws.on('error', fail);
          ws.on('open', () =>
            ws.send(
              JSON.stringify({
                type: 'connection_init',
                payload: { authorization: `Bearer ${token}` },
              }),
            ),
          );
          ws.on('message', (data) => {
            const msg = JSON.parse(String(data));
            if (msg.type === 'ping') ws.send('{"type":"pong"}');
            if (msg.type !== 'connection_ack') return;
            ws.send(
              JSON.stringify({
                id: 'events',
                type: 'subscribe',
                payload: { query: QUERY, variables: {} },
              }),
            );
            setTimeout(ok, 50); // the subscription starts meanwhile
          });
        });
      }),
    );
  }
}

/** Writes a snapshot (SIGUSR1) and returns its path once the server answers again. */
async function snapshot() {
  const before = new Set(readdirSync(snapshots));
  server.kill('SIGUSR1');
  await sleep(300);
  await fetch(ready); // the snapshot is written on the main thread: answered once it is done
  const made = readdirSync(snapshots).filter((f) => !before.has(f));
  if (made.length !== 1) throw new Error('no heap snapshot was written');
  return join(snapshots, made[0]);
}

/** Self size and count per kind: `type name`, with property names for plain objects and contexts. */
function kinds(path) {
  const s = JSON.parse(readFileSync(path, 'utf8'));
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = s.snapshot.meta;
  const [TYPE, NAME, SIZE, EDGES] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    nf.indexOf(f),
  );
  const out = new Map();
  let edge = 0;
  for (let i = 0; i < s.nodes.length; i += nf.length) {
    const type = nt[0][s.nodes[i + TYPE]];
    let name = s.strings[s.nodes[i + NAME]];
    const edges = s.nodes[i + EDGES];
    if (type.includes('string')) name = '';
    else if (type === 'object' && ['Object', 'Array', 'system / Context'].includes(name)) {
      const props = [];
      for (let j = 0; j < edges; j++) {
        const e = (edge + j) * ef.length;
        if (['property', 'context'].includes(et[0][s.edges[e]]))
          props.push(s.strings[s.edges[e + 1]]);
      }
      name = `${name} {${props.filter((p) => p !== '__proto__').join(',')}}`;
    }
    edge += edges;
    const k = `${type} ${name.slice(0, 100)}`;
    const entry = out.get(k) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += s.nodes[i + SIZE];
    out.set(k, entry);
  }
  return out;
}

try {
  await open(1_000_000, WARMUP);
  await sleep(2000);
  const a = await snapshot();
  await open(0, N);
  await sleep(3000);
  const b = await snapshot();
  const [ka, kb] = [kinds(a), kinds(b)];
  const total = (k) => [...k.values()].reduce((n, e) => n + e.size, 0);
  console.log(
    `${N} connections: ${((total(kb) - total(ka)) / N).toFixed(0)} B of heap per connection (live objects)`,
  );
  const rows = [...kb]
    .map(([k, e]) => {
      const before = ka.get(k) ?? { count: 0, size: 0 };
      return { k, count: (e.count - before.count) / N, size: (e.size - before.size) / N };
    })
    .sort((x, y) => y.size - x.size)
    .slice(0, TOP);
  for (const r of rows)
    console.log(`${r.size.toFixed(0).padStart(6)} B ${r.count.toFixed(2).padStart(6)}×  ${r.k}`);
} finally {
  for (const ws of sockets) ws.terminate();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(work, { recursive: true, force: true });
}
