#!/usr/bin/env node
// What putting one subscription frame on a socket costs the server, two ways, on the same sockets
// in the same process: `ws.send(text)` (ws encodes the text for every recipient and writes header
// and data as two chunks), and Chatter's `nextFrame` from dist/api (the payload encoded once per
// event, each recipient's frame one buffer). A fan-out as the gateway does it: every socket
// corked, one frame each, then every socket uncorked (the write system calls). CPU time of this
// process (process.cpuUsage) for each half, per frame; the client sockets live in a child process.
//
//   node scripts/build.mjs api && node apps/bench/frame-write-cost.mjs
//   node apps/bench/frame-write-cost.mjs --sockets 100 --rounds 3000 --repeat 3
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { option } from './tool-support.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOCKETS = Number(option('sockets', 100));
const ROUNDS = Number(option('rounds', 3000));
const REPEAT = Number(option('repeat', 3));
const { nextFrame } = createRequire(import.meta.url)(
  join(root, 'dist/api/libs/graphql/src/realtime/next-frame.js'),
);

if (process.argv[2] === '--clients') {
  // The child: SOCKETS clients that read and check every frame.
  const [port, n] = process.argv.slice(3).map(Number);
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    ws.on('message', (data) => {
      if (!String(data).endsWith('}}')) throw new Error('a frame arrived damaged');
    });
  }
  process.on('disconnect', () => process.exit(0));
} else {
  const payload = JSON.stringify({
    data: {
      chatEvents: {
        __typename: 'MessageAdded',
        seq: 12345,
        message: {
          id: '01JEXAMPLEMESSAGEID00000000',
          conversationId: '01JEXAMPLECONVERSATION0000',
          seq: 12345,
          body: 'a typical chat message, with an accent é and an emoji 😀',
          createdAt: '2026-12-07T12:00:00.000Z',
        },
      },
    },
  });
  const sockets = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const clients = fork(fileURLToPath(import.meta.url), [
    '--clients',
    String(wss.address().port),
    String(SOCKETS),
  ]);
  await new Promise((r) =>
    wss.on('connection', (ws) => {
      const head = `{"id":"events-${sockets.length}","type":"next","payload":`;
      sockets.push({ ws, raw: ws._socket, head, headBytes: Buffer.byteLength(head) });
      if (sockets.length === SOCKETS) r();
    }),
  );
  const cpu = (since) => {
    const d = process.cpuUsage(since);
    return d.user + d.system;
  };
  const run = async (way) => {
    let writeUs = 0;
    let flushUs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = process.cpuUsage();
      for (const s of sockets) s.raw.cork();
      if (way === 'ws.send') {
        for (const s of sockets) s.ws.send(s.head + payload + '}');
      } else {
        const bytes = Buffer.from(payload);
        for (const s of sockets) s.raw.write(nextFrame(s.head, s.headBytes, bytes));
      }
      writeUs += cpu(t0);
      const t1 = process.cpuUsage();
      for (const s of sockets) s.raw.uncork();
      flushUs += cpu(t1);
      if (round % 50 === 0) await new Promise((r) => setImmediate(r)); // let the kernel drain
    }
    const frames = ROUNDS * SOCKETS;
    return {
      way,
      writeUs: +(writeUs / frames).toFixed(3),
      flushUs: +(flushUs / frames).toFixed(3),
    };
  };
  const results = [];
  for (let i = 0; i < REPEAT; i++) results.push(await run('ws.send'), await run('nextFrame'));
  for (const r of results)
    console.log(`${r.way.padEnd(9)}  write ${r.writeUs} µs/frame  flush ${r.flushUs} µs/frame`);
  console.log(JSON.stringify({ sockets: SOCKETS, rounds: ROUNDS, results }));
  clients.kill();
  wss.close();
  for (const s of sockets) s.ws.terminate();
}
