#!/usr/bin/env node
// Long chaos runs: a cluster (3 instances on the MongoDB test engine, Redis, NATS or Redis as the
// bus) under random faults while simulated users chat, then the invariants (see
// apps/api-e2e/src/chaos/). Runs the chaos spec with a long duration and prints its summary table.
//
//   npm run chaos -- [--duration 1800] [--seed N] [--bus nats|redis] [--instances 3] [--users 6]
//                    [--json report.json]
//
// The bus defaults to the seed's parity (odd: NATS, even: Redis pub/sub); Redis always holds
// presence and rate limits, so with NATS as the bus both services are killed and black-holed.
//
// Exit code: 0 when every invariant held, 1 otherwise. Needs `npm run build` first (it runs dist/api).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    seed: { type: 'string' },
    bus: { type: 'string' },
    instances: { type: 'string', default: '3' },
    users: { type: 'string', default: '6' },
    json: { type: 'string' },
  },
});
const duration = Number(opts.duration);
if (!Number.isInteger(duration) || duration < 5) {
  console.error('--duration must be a whole number of seconds, at least 5');
  process.exit(2);
}
if (!existsSync(join(root, 'dist/api/main.js'))) {
  console.error('dist/api/main.js is missing: run "npm run build" first');
  process.exit(2);
}
const report = opts.json
  ? resolve(opts.json)
  : join(mkdtempSync(join(tmpdir(), 'chatter-chaos-')), 'report.json');
const started = new Date();
const run = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--project',
    'api-e2e',
    'apps/api-e2e/src/chaos/chaos.spec.ts',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      CHAOS_DURATION_S: String(duration),
      CHAOS_INSTANCES: opts.instances,
      CHAOS_USERS: opts.users,
      CHAOS_REPORT: report,
      ...(opts.seed ? { CHAOS_SEED: opts.seed } : {}),
      ...(opts.bus ? { CHAOS_BUS: opts.bus } : {}),
    },
  },
);
if (!existsSync(report)) {
  console.error(
    `\nchaos: no report was written (the run failed before its end; exit ${run.status})`,
  );
  process.exit(1);
}
const { table, problems } = JSON.parse(readFileSync(report, 'utf8'));
console.log(
  `\nChaos run of ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${duration} s (report: ${report})\n`,
);
console.log(table);
const failed = Object.entries(problems).filter(([, list]) => list.length > 0);
for (const [seed, list] of failed)
  console.log(`\nseed ${seed} (replay with CHAOS_SEED=${seed}): ${list.join('; ')}`);
process.exit(failed.length === 0 && run.status === 0 ? 0 : 1);
