#!/usr/bin/env node
// Runs a command on another Node.js major version, for testing Chatter on every supported LTS:
//
//   node scripts/node-lts.mjs 24 -- node node_modules/vitest/vitest.mjs run --project unit
//
// The Node.js binary comes from the npm registry (the node-<platform>-<arch> package ships bin/node
// and the headers native modules build against) into node_modules/.cache/chatter-node/<major>;
// set CHATTER_NODE_<major> (e.g. CHATTER_NODE_24=/opt/node24/bin/node) to use one you have.
// For the run, better-sqlite3's binary for that Node.js is put in place (compiled once, then
// cached; see native.mjs) and the previous one is put back afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBinaryFor } from './native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const majorOf = (nodeBin) =>
  spawnSync(nodeBin, ['-p', 'process.versions.node.split(".")[0]'], {
    encoding: 'utf8',
  }).stdout?.trim();

/** Path of a `bin/node` of the given major version, fetched from the npm registry on first use. */
export function nodeBinary(major) {
  const configured = process.env[`CHATTER_NODE_${major}`];
  if (configured) {
    if (majorOf(configured) !== String(major))
      throw new Error(`CHATTER_NODE_${major}=${configured} is not Node.js ${major}`);
    return configured;
  }
  const dir = join(root, 'node_modules/.cache/chatter-node', String(major));
  const bin = join(dir, 'bin/node');
  if (existsSync(bin) && majorOf(bin) === String(major)) return bin;
  const pkg = `node-${process.platform}-${process.arch}@${major}`;
  console.log(`Fetching Node.js ${major} from the npm registry (${pkg})…`);
  const download = mkdtempSync(join(tmpdir(), 'chatter-node-'));
  try {
    const pack = spawnSync('npm', ['pack', pkg, '--pack-destination', download, '--silent'], {
      cwd: download,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(download).find((f) => f.endsWith('.tgz'));
    if (pack.status !== 0 || !tarball) throw new Error(`npm pack ${pkg} failed`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const untar = spawnSync(
      'tar',
      ['-xzf', join(download, tarball), '-C', dir, '--strip-components=1'],
      { stdio: 'inherit' },
    );
    if (untar.status !== 0 || majorOf(bin) !== String(major))
      throw new Error(`${tarball} did not unpack to a Node.js ${major}`);
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
  return bin;
}

/** Environment for children that should run on `nodeBin`: its directory first on PATH. */
export const envFor = (nodeBin, env = process.env) => ({
  ...env,
  PATH: `${dirname(nodeBin)}${delimiter}${env.PATH ?? ''}`,
});

/**
 * Runs `fn(nodeBin)` with the better-sqlite3 binary for Node.js `major` in place, and puts the
 * previous binary back afterwards, also on Ctrl-C.
 */
export function withNode(major, fn) {
  const nodeBin = nodeBinary(major);
  const restore = useBinaryFor(root, nodeBin);
  const onSignal = (signal) => {
    restore();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return fn(nodeBin);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    restore();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [major, separator, command, ...args] = process.argv.slice(2);
  if (!/^\d+$/.test(major ?? '') || separator !== '--' || !command) {
    console.error('Usage: node scripts/node-lts.mjs <major> -- <command> [args...]');
    process.exit(2);
  }
  const status = withNode(major, (nodeBin) => {
    const run = spawnSync(command === 'node' ? nodeBin : command, args, {
      cwd: root,
      stdio: 'inherit',
      env: envFor(nodeBin),
    });
    return run.status ?? 1;
  });
  process.exit(status);
}
