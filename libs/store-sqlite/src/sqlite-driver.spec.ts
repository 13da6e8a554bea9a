import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_BINDING_ENV } from './sqlite-driver';

const installed = join(
  createRequire(__filename).resolve('better-sqlite3/package.json'),
  '../build/Release/better_sqlite3.node',
);
/** The binary this run loads: the one the test command named for this Node.js, or the installed one. */
const loadable = process.env[SQLITE_BINDING_ENV] || installed;

describe('openDatabase: which driver binary is loaded', () => {
  const saved = process.env[SQLITE_BINDING_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[SQLITE_BINDING_ENV];
    else process.env[SQLITE_BINDING_ENV] = saved;
  });

  it('loads the binary it is given', () => {
    const db = openDatabase(':memory:', { nativeBinding: loadable });
    expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({ two: 2 });
    db.close();
    expect(() => openDatabase(':memory:', { nativeBinding: '/nonexistent/driver.node' })).toThrow(
      /nonexistent\/driver\.node/,
    );
  });

  it('takes the binary from CHATTER_SQLITE_BINDING when none is given', () => {
    process.env[SQLITE_BINDING_ENV] = '/nonexistent/from-env.node';
    expect(() => openDatabase(':memory:')).toThrow(/nonexistent\/from-env\.node/);
    process.env[SQLITE_BINDING_ENV] = loadable;
    const db = openDatabase(':memory:', { readonly: false });
    expect(db.open).toBe(true);
    db.close();
  });

  it('opens read-only when asked', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'chatter-driver-')), 'x.sqlite');
    try {
      openDatabase(file, { nativeBinding: loadable }).close();
      const db = openDatabase(file, { readonly: true, nativeBinding: loadable });
      expect(db.readonly).toBe(true);
      expect(() => db.exec('CREATE TABLE t (x)')).toThrow(/readonly/);
      db.close();
    } finally {
      rmSync(join(file, '..'), { recursive: true, force: true });
    }
  });
});
