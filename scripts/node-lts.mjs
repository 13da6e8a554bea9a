#!/usr/bin/env node
// Runs a command on another Node.js major version, for testing Chatter on every supported LTS:
//
//   node scripts/node-lts.mjs 24 -- node node_modules/vitest/vitest.mjs run --project unit
//
// The Node.js binary comes from the npm registry (the node-<platform>-<arch> package ships bin/node
// and the headers native modules build against) into node_modules/.cache/chatter-node/<major>;
// set CHATTER_NODE_<major> (e.g. CHATTER_NODE_24=/opt/node24/bin/node) to use one you have.
// better-sqlite3 for that Node.js is compiled once into a file of its own (see native.mjs), which
// the command's environment names in CHATTER_SQLITE_BINDING; the installed binary is not touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindingFor, SQLITE_BINDING_ENV } from './native.mjs';

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

/** The Node.js major the test command also runs the unit and API suites on when not told otherwise. */
export const DEFAULT_OTHER_NODE_VERSIONS = '24';

/**
 * The other Node.js majors `npm test` runs the unit and API suites on, from
 * CHATTER_TEST_NODE_VERSIONS (e.g. "22,24"; empty: none; unset: the default above), without the
 * running one (`currentMajor`), which every step runs on already.
 */
export const otherNodeVersions = (env, currentMajor) =>
  (env.CHATTER_TEST_NODE_VERSIONS ?? DEFAULT_OTHER_NODE_VERSIONS)
    .split(',')
    .map((major) => major.trim())
    .filter((major) => major !== '' && major !== String(currentMajor));

/**
 * Node.js `major` ready to run Chatter: its binary (fetched on first use) and an environment for
 * children that run on it: its directory first on PATH and, unless the installed SQLite driver
 * fits it, CHATTER_SQLITE_BINDING naming a driver binary built for it.
 */
export function prepareNode(major, env = process.env) {
  const nodeBin = nodeBinary(major);
  const binding = bindingFor(root, nodeBin);
  const { [SQLITE_BINDING_ENV]: _inherited, ...rest } = env;
  return {
    nodeBin,
    env: {
      ...rest,
      PATH: `${dirname(nodeBin)}${delimiter}${env.PATH ?? ''}`,
      ...(binding ? { [SQLITE_BINDING_ENV]: binding } : {}),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [major, separator, command, ...args] = process.argv.slice(2);
  if (!/^\d+$/.test(major ?? '') || separator !== '--' || !command) {
    console.error('Usage: node scripts/node-lts.mjs <major> -- <command> [args...]');
    process.exit(2);
  }
  const { nodeBin, env } = prepareNode(major);
  const run = spawnSync(command === 'node' ? nodeBin : command, args, {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  process.exit(run.status ?? 1);
}
