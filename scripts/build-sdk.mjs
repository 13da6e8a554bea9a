#!/usr/bin/env node
// Builds @chatter/sdk for publishing into dist/sdk: CommonJS + .d.ts under lib/ (the generated
// schema types of libs/client bundled as lib/schema), an ES module bundle for browsers under
// browser/, the package's own package.json and README. `cd dist/sdk && npm pack` makes the tarball.
//
//   node scripts/build-sdk.mjs        (also: nx run sdk:build)
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/sdk');
const temp = join(root, 'dist/sdk-build');
const started = Date.now();

rmSync(out, { recursive: true, force: true });
rmSync(temp, { recursive: true, force: true });

const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'libs/sdk/tsconfig.lib.json'],
  { cwd: root, stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// lib/ ← libs/sdk/src, lib/schema/ ← libs/client/src (index + generated/graphql).
mkdirSync(join(out, 'lib'), { recursive: true });
cpSync(join(temp, 'libs/sdk/src'), join(out, 'lib'), { recursive: true });
cpSync(join(temp, 'libs/client/src'), join(out, 'lib/schema'), { recursive: true });
rmSync(temp, { recursive: true, force: true });

function* files(dir) {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) yield* files(full);
    else yield full;
  }
}
// The path alias becomes a relative import of the bundled schema.
for (const file of files(join(out, 'lib'))) {
  if (file.includes('/lib/schema/')) continue;
  const text = readFileSync(file, 'utf8');
  let target = relative(dirname(file), join(out, 'lib/schema'));
  if (!target.startsWith('.')) target = `./${target}`;
  const next = text.replace(/(["'])@chatter\/client\1/g, `$1${target}$1`);
  if (next !== text) writeFileSync(file, next);
}
for (const file of files(join(out, 'lib')))
  if (/["']@chatter\//.test(readFileSync(file, 'utf8')))
    throw new Error(`build-sdk: ${relative(out, file)} still imports a workspace alias`);

// One ES module for browsers (graphql-ws and graphql's printer included), from the TypeScript
// sources so its exports are real ES module exports.
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(root, 'libs/sdk/src/index.ts')],
  tsconfig: join(root, 'tsconfig.base.json'),
  outfile: join(out, 'browser/chatter-sdk.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

copyFileSync(join(root, 'libs/sdk/package.json'), join(out, 'package.json'));
copyFileSync(join(root, 'libs/sdk/README.md'), join(out, 'README.md'));
console.log(`sdk: built in ${Date.now() - started} ms → dist/sdk`);
