import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const ALLOWED = new Set([
  'libs/store-sqlite/src/sqlite-driver.ts',
  // Probes, in a child process, that the binary npm installed loads (the install check of `npm start`).
  'scripts/ensure-deps.mjs',
  // This file's own examples.
  'tools/sqlite-driver-guard.spec.ts',
]);
// `.cache`: build copies the bench keeps (apps/bench/.cache, git-ignored), compiled from the sources checked here.
const SKIP = new Set(['node_modules', 'dist', '.nx', '.git', 'coverage', '.cache']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts|js|mjs|cjs)$/.test(entry.name) ? [full] : [];
  });
}

/** Lines that load the better-sqlite3 driver itself (type-only imports load nothing). */
export function driverLoads(source: string): string[] {
  return source
    .split('\n')
    .filter(
      (line) =>
        (/^\s*import\s+(?!type\b)[^;]*from\s+['"]better-sqlite3['"]/.test(line) ||
          /require\(\s*['"]better-sqlite3['"]\s*\)/.test(line) ||
          /import\(\s*['"]better-sqlite3['"]\s*\)/.test(line)) &&
        !/^\s*\/\//.test(line),
    );
}

describe('the SQLite driver is opened in one place', () => {
  it('recognises value imports and requires, and ignores type-only imports', () => {
    expect(driverLoads("import Database from 'better-sqlite3';")).toHaveLength(1);
    expect(driverLoads("const D = require('better-sqlite3');")).toHaveLength(1);
    expect(driverLoads("const m = await import('better-sqlite3');")).toHaveLength(1);
    expect(driverLoads("import type Database from 'better-sqlite3';")).toHaveLength(0);
    expect(driverLoads("import type { Database } from 'better-sqlite3';")).toHaveLength(0);
  });

  // openDatabase (sqlite-driver.ts) picks the driver binary built for the running Node.js
  // version (CHATTER_SQLITE_BINDING); a second `new Database(...)` elsewhere would load the
  // default binary and crash the Node.js 24 pass.
  it('no file but sqlite-driver.ts (and the install probe) loads better-sqlite3', () => {
    const offenders = ['libs', 'apps', 'tools', 'scripts']
      .flatMap((dir) => sourceFiles(join(root, dir)))
      .filter((file) => !ALLOWED.has(relative(root, file)))
      .filter((file) => driverLoads(readFileSync(file, 'utf8')).length > 0)
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
