#!/usr/bin/env node
// CPU and latency of the embedded store's message append, alone (no HTTP, no GraphQL): opens a
// SqliteStore from the build (`node scripts/build.mjs api`) on a file in a temp directory, makes
// 10 users and 50 conversations, then runs 3 rounds of N appends (default 10,000) one after
// another, as the API does, with the event loop turning every 50 appends so background work
// (batched search indexing) runs as it would between requests. Prints one line per round: CPU
// µs per append (and the kernel's part), wall µs per append, p99, p99.9 and slowest append (ms).
//   node apps/bench/sqlite-append-cost.mjs [--appends N] [--entry dist/api] [--checkpoint-ms 0]
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    appends: { type: 'string', default: '10000' },
    entry: { type: 'string', default: 'dist/api' },
    'checkpoint-ms': { type: 'string' },
  },
});
const require = createRequire(import.meta.url);
const { SqliteStore } = require(resolve(values.entry, 'libs/store-sqlite/src/sqlite-store.js'));
const N = Number(values.appends);
const dir = mkdtempSync(join(tmpdir(), 'chatter-append-'));
const store = SqliteStore.open({
  file: join(dir, 'chatter.db'),
  // 0: SQLite checkpoints inside the commit that fills the WAL (as before the background thread).
  ...(values['checkpoint-ms'] === undefined
    ? {}
    : { checkpointIntervalMs: Number(values['checkpoint-ms']) }),
});
try {
  const t = 'bench';
  const at = new Date();
  await store.tenants.create({
    id: t,
    name: 'Bench',
    signingSecret: randomUUID(),
    phoneSignUp: true,
    attachmentRetentionDays: null,
    createdAt: at,
  });
  const users = [];
  for (let i = 0; i < 10; i++) {
    users.push(
      await store.users.create({
        id: randomUUID(),
        tenantId: t,
        phone: `+1555000${String(i).padStart(4, '0')}`,
        externalId: null,
        isBot: false,
        name: `User ${i}`,
        avatarUrl: null,
        statusText: null,
        statusEmoji: null,
        presencePrivacy: 'EVERYONE',
        lastSeenAt: null,
        createdAt: at,
        updatedAt: at,
      }),
    );
  }
  const conversations = [];
  for (let i = 0; i < 50; i++) {
    conversations.push(
      await store.conversations.create(
        {
          id: randomUUID(),
          tenantId: t,
          kind: 'GROUP',
          title: `Room ${i}`,
          uniqueKey: null,
          lastSeq: 0,
          lastMessageId: null,
          lastActivityAt: at,
          memberCount: 0,
          historyVisibility: 'FULL',
          mentionAll: 'MEMBERS',
          description: null,
          disappearAfterSeconds: null,
          createdBy: users[0].id,
          createdAt: at,
        },
        users.slice(0, 5).map((u, j) => ({ userId: u.id, role: j === 0 ? 'OWNER' : 'MEMBER' })),
      ),
    );
  }
  for (let round = 1; round <= 3; round++) {
    const latencies = new Float64Array(N);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    for (let i = 0; i < N; i++) {
      const a0 = performance.now();
      await store.messages.append({
        id: randomUUID(),
        tenantId: t,
        conversationId: conversations[i % 50].id,
        senderId: users[i % 5].id,
        clientMessageId: randomUUID(),
        body: `message ${i} of round ${round}: ${Math.random().toString(36).slice(2)} and some words`,
        replyToId: null,
        mentions: { userIds: [], all: false },
        createdAt: new Date(),
      });
      latencies[i] = performance.now() - a0;
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    const wall = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort();
    const q = (p) => latencies[Math.min(N - 1, Math.floor(N * p))].toFixed(2);
    console.log(
      JSON.stringify({
        round,
        appends: N,
        cpuUsPerAppend: Math.round((cpu.user + cpu.system) / N),
        kernelUsPerAppend: Math.round(cpu.system / N),
        wallUsPerAppend: Math.round((wall * 1000) / N),
        p99Ms: Number(q(0.99)),
        p999Ms: Number(q(0.999)),
        maxMs: Number(latencies[N - 1].toFixed(2)),
      }),
    );
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
