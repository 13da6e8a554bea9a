// better-sqlite3 (the embedded store's driver) is a native module: its binary,
// node_modules/better-sqlite3/build/Release/better_sqlite3.node, loads only in the Node.js ABI it
// was compiled for (Node 20: 115, 22: 127, 24: 137). For a run on another Node.js version these
// helpers build the binary that Node.js needs from the package's own sources (node-gyp against
// that Node's headers) into a file of its own, node_modules/.cache/chatter-native/…-abi<N>.node,
// and the run names it in CHATTER_SQLITE_BINDING (the store opens its connections with it, see
// libs/store-sqlite/src/sqlite-driver.ts). The installed binary is never touched while tests run,
// so processes on two Node.js versions never read a file that is being replaced.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const packageDir = (root) => join(root, 'node_modules/better-sqlite3');

/** The binary better-sqlite3 loads. */
export const binaryPath = (root) => join(packageDir(root), 'build/Release/better_sqlite3.node');

/** The ABI a binary was compiled for, read from its registration symbol (undefined if absent). */
export function abiOfBinary(file) {
  if (!existsSync(file)) return undefined;
  return /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'))?.[1];
}

/** The ABI (process.versions.modules) of a Node.js binary. */
export function abiOfNode(nodeBin) {
  const run = spawnSync(nodeBin, ['-p', 'process.versions.modules'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${nodeBin} does not run: ${run.stderr || run.error}`);
  return run.stdout.trim();
}

function cachedBinary(root, abi) {
  const { version } = JSON.parse(readFileSync(join(packageDir(root), 'package.json'), 'utf8'));
  const name = `better-sqlite3-${version}-${process.platform}-${process.arch}-abi${abi}.node`;
  return join(root, 'node_modules/.cache/chatter-native', name);
}

/** Copies through a temporary file and a rename, so a process that has the old binary mapped keeps it intact. */
function replaceFile(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  const temp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, temp);
  renameSync(temp, to);
}

/** node-gyp as npm ships it (npm sets npm_config_node_gyp for scripts it runs). */
function nodeGypScript() {
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) {
    candidates.push(
      join(
        dirname(realpathSync(process.env.npm_execpath)),
        '../node_modules/node-gyp/bin/node-gyp.js',
      ),
    );
  }
  const globalRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim();
  if (globalRoot) candidates.push(join(globalRoot, 'npm/node_modules/node-gyp/bin/node-gyp.js'));
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new Error('node-gyp not found (it ships with npm)');
  return found;
}

/**
 * Compiles better-sqlite3 for `nodeBin` in a scratch copy of the package (the installed binary is
 * not touched) against the headers in the Node.js directory (`<dir>/include/node`), and caches it.
 * Needs python3, make and a C++ compiler.
 */
export function buildBinary(root, nodeBin) {
  const nodeDir = dirname(dirname(nodeBin));
  if (!existsSync(join(nodeDir, 'include/node/node.h'))) {
    throw new Error(
      `no Node.js headers in ${nodeDir}/include/node: cannot build better-sqlite3 for ${nodeBin}`,
    );
  }
  const abi = abiOfNode(nodeBin);
  const work = mkdtempSync(join(tmpdir(), 'chatter-better-sqlite3-'));
  try {
    for (const entry of ['binding.gyp', 'deps', 'src', 'package.json']) {
      cpSync(join(packageDir(root), entry), join(work, entry), { recursive: true });
    }
    console.log(`better-sqlite3: compiling for Node.js ABI ${abi} (${nodeBin})…`);
    const started = Date.now();
    const run = spawnSync(
      nodeBin,
      [
        nodeGypScript(),
        'rebuild',
        '--release',
        `--nodedir=${nodeDir}`,
        '-j',
        String(availableParallelism()),
      ],
      {
        cwd: work,
        stdio: ['ignore', 'ignore', 'inherit'],
        // Run from npm (`npm test`), the environment carries npm's own nodedir setting
        // (npm_config_nodedir, e.g. /usr with Debian's Node.js headers), which node-gyp prefers to
        // --nodedir: name this Node.js's headers there too.
        env: {
          ...Object.fromEntries(
            Object.entries(process.env).filter(([k]) => k.toLowerCase() !== 'npm_config_nodedir'),
          ),
          npm_config_nodedir: nodeDir,
          PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}`,
        },
      },
    );
    if (run.status !== 0) throw new Error(`better-sqlite3: node-gyp failed for ABI ${abi}`);
    replaceFile(join(work, 'build/Release/better_sqlite3.node'), cachedBinary(root, abi));
    console.log(
      `better-sqlite3: ABI ${abi} built in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Variable naming the driver binary to load instead of the installed one (see sqlite-driver.ts). */
export const SQLITE_BINDING_ENV = 'CHATTER_SQLITE_BINDING';

/**
 * The better-sqlite3 binary for `nodeBin`'s ABI: undefined when the installed one fits, else a
 * separate cached file, compiled on first use. Nothing in node_modules/better-sqlite3 changes.
 */
export function bindingFor(root, nodeBin) {
  const wanted = abiOfNode(nodeBin);
  if (abiOfBinary(binaryPath(root)) === wanted) return undefined;
  const cached = cachedBinary(root, wanted);
  if (abiOfBinary(cached) !== wanted) buildBinary(root, nodeBin);
  const built = abiOfBinary(cached);
  if (built !== wanted)
    throw new Error(`better-sqlite3: built for ABI ${built}, not ${wanted} (${nodeBin})`);
  return cached;
}

/**
 * Makes sure the installed binary matches `nodeBin` (default: this Node.js), taking it from the
 * cache when one was built for that ABI (after switching Node.js versions, say). Only for the
 * start of `npm start` and `npm test`, before any process loads the driver. Returns false when no
 * binary for that ABI is cached (then `npm rebuild better-sqlite3` builds one).
 */
export function restoreBinaryFor(root, nodeBin = process.execPath) {
  const wanted = nodeBin === process.execPath ? process.versions.modules : abiOfNode(nodeBin);
  const current = abiOfBinary(binaryPath(root));
  if (current === undefined || current === wanted) return true;
  if (!existsSync(cachedBinary(root, wanted))) return false;
  // Keeps the binary being replaced, so switching back finds it too.
  if (!existsSync(cachedBinary(root, current)))
    replaceFile(binaryPath(root), cachedBinary(root, current));
  replaceFile(cachedBinary(root, wanted), binaryPath(root));
  return true;
}
