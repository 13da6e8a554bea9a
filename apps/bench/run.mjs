#!/usr/bin/env node
// `npm run bench`: raises the open-file limit (re-exec under prlimit), compiles the
// TypeScript sources once with SWC and runs the bench runner.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileBench } from './compile.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = process.argv.slice(2);

function nofile() {
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const n = (v) => (v === 'unlimited' ? Infinity : Number(v));
    return m ? { soft: n(m[1]), hard: n(m[2]) } : undefined;
  } catch {
    return undefined;
  }
}

// `npm run bench -- attachments [--uploads 10] [--mib 20]`: the attachment upload benchmark.
if (args[0] === 'attachments') {
  const r = spawnSync(
    process.execPath,
    [path.join(here, 'attachment-uploads.mjs'), ...args.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

// `--node MAJOR`: the whole bench (runner, servers, load generators: they all start from
// process.execPath) runs on that Node.js, with the SQLite driver built for it (scripts/node-lts.mjs).
const nodeFlag = args.findIndex((a) => a === '--node' || a.startsWith('--node='));
if (nodeFlag >= 0) {
  const major = args[nodeFlag].includes('=') ? args[nodeFlag].split('=')[1] : args[nodeFlag + 1];
  if (!/^\d+$/.test(major ?? '')) {
    console.error('--node takes a Node.js major version, e.g. --node 24');
    process.exit(2);
  }
  if (process.versions.node.split('.')[0] !== major) {
    const { prepareNode } = await import('../../scripts/node-lts.mjs');
    const { nodeBin, env } = prepareNode(major);
    const r = spawnSync(nodeBin, [fileURLToPath(import.meta.url), ...args], {
      stdio: 'inherit',
      env,
    });
    process.exit(r.status ?? 1);
  }
}

const lim = nofile();
if (
  lim &&
  lim.soft < lim.hard &&
  !process.env.BENCH_NOFILE_RAISED &&
  existsSync('/usr/bin/prlimit')
) {
  const target = Number.isFinite(lim.hard) ? lim.hard : 1048576;
  const r = spawnSync(
    'prlimit',
    [
      `--nofile=${target}:${target}`,
      process.execPath,
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...args,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, BENCH_NOFILE_RAISED: '1' },
    },
  );
  process.exit(r.status ?? 1);
}

process.env.BENCH_ROOT = root;
process.env.BENCH_COMPILED_DIR = compileBench();
const require = createRequire(import.meta.url);
const { main } = require(path.join(process.env.BENCH_COMPILED_DIR, 'main.cjs'));
const code = await main(args);
process.exit(code);
