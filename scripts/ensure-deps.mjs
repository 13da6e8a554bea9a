// Shared by start.mjs and test.mjs: install npm dependencies when they are missing or stale.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureNodeModules(root) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  // `npm install` honours the lockfile and, unlike `npm ci`, tolerates optional platform
  // binaries that a registry mirror does not carry.
  console.log('Installing npm dependencies (npm install)…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm install failed');
    process.exit(result.status ?? 1);
  }
}

/** Debian packages the tests need, by the binary that proves each is there. */
export const DEBIAN_PACKAGES = [
  { bin: 'redis-server', pkg: 'redis-server' },
  { bin: 'nats-server', pkg: 'nats-server' },
  { bin: 'chromium', pkg: 'chromium' },
  { dpkg: 'fonts-noto-color-emoji', pkg: 'fonts-noto-color-emoji' },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const present = (p) => (p.bin ? has(p.bin) : spawnSync('dpkg', ['-s', p.dpkg], { stdio: 'ignore' }).status === 0);

/** Installs missing Debian packages when running as root with apt-get; otherwise says what to install. */
export function ensureDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter((p) => !present(p));
  if (missing.length === 0) return true;
  const names = missing.map((p) => p.pkg).join(' ');
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`Installing Debian packages: ${names}`);
    const update = spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map((p) => p.pkg)], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (install && install.status === 0) return true;
  }
  console.error(`Missing Debian packages: ${names}. Install them with: sudo apt-get install -y ${names}`);
  return false;
}
