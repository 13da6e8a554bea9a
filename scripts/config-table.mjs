#!/usr/bin/env node
// Prints the README's configuration table from the config reference (`node scripts/config-table.mjs`).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'api'], {
  cwd: root,
  stdio: 'ignore',
});
const require = createRequire(import.meta.url);
const { CONFIG_REFERENCE } = require(
  join(root, 'dist/api/apps/api/src/platform/config/config-reference.js'),
);
// Table cells: `|` would end the cell, and `*` is a code span: bare (even escaped) it can read as
// emphasis (as in `localhost:*, …:*`), which Prettier then rewrites.
const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\*/g, '`*`');
console.log('| Variable | Default | Meaning |\n| --- | --- | --- |');
for (const v of CONFIG_REFERENCE)
  console.log(`| \`${v.name}\` | ${esc(v.default)} | ${esc(v.description)} |`);
