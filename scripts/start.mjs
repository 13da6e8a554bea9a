#!/usr/bin/env node
// `npm start`: installs what is missing, builds what changed (Nx skips builds whose sources did
// not change), and runs the API with the web app on http://127.0.0.1:3000 in embedded mode
// (SQLite in ./data, no services needed).
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules, ensureSqliteDriver } from './ensure-deps.mjs';
import { nx } from './nx.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
ensureNodeModules(root);
if (!ensureSqliteDriver(root)) process.exit(1);
const status = nx(root, ['run-many', '-t', 'build', '--projects=api,web', '--output-style=static']);
if (status !== 0) process.exit(status);
const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'dist/api/main.js')], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
