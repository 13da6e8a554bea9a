import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { openDatabase } from './sqlite-driver';
import { GroupCommit } from './group-commit';

let db: Database;

beforeEach(() => {
  db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
});
afterEach(() => db.close());

const insertTx = () =>
  db.transaction((row: { k: string; v: number }) => {
    db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(row.k, row.v);
    return row.k;
  }).immediate;

const keys = () =>
  db
    .prepare<[], { k: string }>('SELECT k FROM t ORDER BY rowid')
    .all()
    .map((r) => r.k);

describe('GroupCommit', () => {
  it('runs writes submitted in one turn in one transaction, in order, and settles each', async () => {
    const batches: string[][] = [];
    const group = new GroupCommit(db, insertTx(), { committed: (r) => batches.push(r) });
    const results = await Promise.all([
      group.submit({ k: 'a', v: 1 }),
      group.submit({ k: 'b', v: 2 }),
      group.submit({ k: 'c', v: 3 }),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(keys()).toEqual(['a', 'b', 'c']);
    // The next turn starts a new batch.
    await group.submit({ k: 'd', v: 4 });
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('fails only the write that threw; the others of its batch commit', async () => {
    const group = new GroupCommit(db, insertTx());
    const settled = await Promise.allSettled([
      group.submit({ k: 'a', v: 1 }),
      group.submit({ k: 'a', v: 2 }), // primary key taken by the first
      group.submit({ k: 'b', v: 3 }),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(db.prepare('SELECT k, v FROM t ORDER BY rowid').all()).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 3 },
    ]);
    expect(db.inTransaction).toBe(false);
  });

  it('keeps nothing of a batch whose commit fails, and fails every write of it', async () => {
    db.exec(
      "CREATE TRIGGER no_z AFTER INSERT ON t WHEN new.k = 'z' BEGIN SELECT RAISE(ROLLBACK, 'refused'); END;",
    );
    const group = new GroupCommit(db, insertTx());
    const settled = await Promise.allSettled([
      group.submit({ k: 'a', v: 1 }),
      group.submit({ k: 'z', v: 2 }), // RAISE(ROLLBACK) ends the whole transaction
      group.submit({ k: 'b', v: 3 }),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(keys()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    // The group goes on working.
    expect(await group.submit({ k: 'c', v: 4 })).toBe('c');
    expect(keys()).toEqual(['c']);
  });

  it('flushes a full batch at once', async () => {
    const batches: number[] = [];
    const group = new GroupCommit(db, insertTx(), {
      maxBatch: 2,
      committed: (r) => batches.push(r.length),
    });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k, v) => group.submit({ k, v })));
    expect(batches).toEqual([2, 2, 1]);
    expect(keys()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('ends as if each write ran alone, whatever fails in a batch (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { minLength: 1, maxLength: 12 }),
        async (ks) => {
          db.exec('DELETE FROM t');
          const group = new GroupCommit(db, insertTx());
          const settled = await Promise.allSettled(ks.map((k, v) => group.submit({ k, v })));
          // Alone, each write succeeds exactly when its key was not taken before it.
          const seen = new Set<string>();
          const expected = ks.map((k) => (seen.has(k) ? 'rejected' : (seen.add(k), 'fulfilled')));
          expect(settled.map((s) => s.status)).toEqual(expected);
          expect(keys()).toEqual([...new Set(ks)]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
