// Shared by start.mjs and test.mjs: install npm dependencies when they are missing or stale, and
// make sure the SQLite driver's native binary loads in this Node.js.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { restoreBinaryFor } from './native.mjs';

export function ensureNodeModules(root) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  // `npm install` honours the lockfile and, unlike `npm ci`, tolerates optional platform
  // binaries that a registry mirror does not carry.
  console.log('Installing npm dependencies (npm install)…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('npm install failed');
    process.exit(result.status ?? 1);
  }
}

/** Loads better-sqlite3 in a child process; returns the error output, or '' when it loads. */
function sqliteLoadError(root) {
  const probe = "const D = require('better-sqlite3'); new D(':memory:').close();";
  const run = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8' });
  return run.status === 0 ? '' : (run.stderr || String(run.error)).trim();
}

/**
 * better-sqlite3 is compiled for one Node.js ABI when npm installs it. If it does not load here
 * (another Node.js version since the install, or npm skipped its install script), this puts back
 * a binary built earlier for this ABI, or runs `npm rebuild better-sqlite3`; if that fails too it
 * says what to do and returns false.
 */
export function ensureSqliteDriver(root) {
  if (sqliteLoadError(root) === '') return true;
  if (restoreBinaryFor(root) && sqliteLoadError(root) === '') return true;
  console.log(
    `better-sqlite3 does not load in Node.js ${process.version}; rebuilding it (npm rebuild better-sqlite3)…`,
  );
  spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' });
  const error = sqliteLoadError(root);
  if (error === '') return true;
  console.error(
    [
      `The SQLite driver (better-sqlite3) does not load in Node.js ${process.version}:`,
      `  ${error.split('\n').find((l) => /Error/.test(l)) ?? error.split('\n')[0]}`,
      'Building it needs python3, make and a C++ compiler (Debian/Ubuntu: sudo apt-get install -y python3 make g++);',
      'then run: npm rebuild better-sqlite3',
      "If npm said it skipped install scripts, approve the driver's: npm install-scripts approve better-sqlite3 --no-allow-scripts-pin",
    ].join('\n'),
  );
  return false;
}

/** Debian packages the tests need, by the binary that proves each is there. */
export const DEBIAN_PACKAGES = [
  { bin: 'redis-server', pkg: 'redis-server' },
  { bin: 'nats-server', pkg: 'nats-server' },
  { bin: 'chromium', pkg: 'chromium' },
  // The TURN check of calls runs a real coturn relay (apps/api-e2e/src/calls/turn-relay.spec.ts).
  { bin: 'turnserver', pkg: 'coturn' },
  { dpkg: 'fonts-noto-color-emoji', pkg: 'fonts-noto-color-emoji' },
  // The container step (scripts/container-test.mjs): build and run the image without a registry.
  { bin: 'podman', pkg: 'podman' },
  { bin: 'runc', pkg: 'runc' },
  { bin: 'debootstrap', pkg: 'debootstrap' },
  { bin: 'newuidmap', pkg: 'uidmap' },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const present = (p) =>
  p.bin ? has(p.bin) : spawnSync('dpkg', ['-s', p.dpkg], { stdio: 'ignore' }).status === 0;

/** Installs missing Debian packages when running as root with apt-get; otherwise says what to install. */
export function ensureDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter((p) => !present(p));
  if (missing.length === 0) return true;
  const names = missing.map((p) => p.pkg).join(' ');
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`Installing Debian packages: ${names}`);
    const update = spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    const install =
      update.status === 0 &&
      spawnSync(
        'apt-get',
        ['install', '-y', '--no-install-recommends', ...missing.map((p) => p.pkg)],
        {
          stdio: 'inherit',
          env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        },
      );
    if (install && install.status === 0) return true;
  }
  console.error(
    `Missing Debian packages: ${names}. Install them with: sudo apt-get install -y ${names}`,
  );
  return false;
}
