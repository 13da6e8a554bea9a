#!/usr/bin/env node
// Prints the schema built by the code-first resolvers into schema.graphql (`npm run schema`),
// or with --check fails when the committed schema.graphql differs from it. It builds the API
// through Nx first (skipped when up to date), unless --no-build (the Nx target api:schema-check
// depends on api:build itself).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nx } from './nx.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
if (!process.argv.includes('--no-build')) {
  const status = nx(root, ['run', 'api:build', '--output-style=stream']);
  if (status !== 0) process.exit(status);
}
const target = check
  ? join(mkdtempSync(join(tmpdir(), 'chatter-schema-')), 'schema.graphql')
  : join(root, 'schema.graphql');
const printer = join(root, 'dist/api/apps/api/src/print-schema.js');
const run = spawnSync(process.execPath, [printer, target], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (run.status !== 0 || !existsSync(target)) {
  console.error('schema: printing the schema failed');
  process.exit(1);
}
if (!check) {
  console.log('schema: wrote schema.graphql');
  process.exit(0);
}
const committed = readFileSync(join(root, 'schema.graphql'), 'utf8');
const generated = readFileSync(target, 'utf8');
if (committed !== generated) {
  console.error(
    'schema: schema.graphql is out of date with the resolvers. Run "npm run schema && npm run codegen" and commit the result.',
  );
  process.exit(1);
}
console.log('schema: schema.graphql matches the resolvers');
