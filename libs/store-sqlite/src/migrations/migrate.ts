import type { Database } from 'better-sqlite3';
import { Migration } from './migration';

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own immediate
 * transaction (re-checked inside it, so two processes opening the same file cannot both apply
 * one). Refuses a database written by a newer build. Returns the versions applied now.
 */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const known = sorted.at(-1)?.version ?? 0;
  const newest =
    db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get()
      ?.v ?? 0;
  if (newest > known) {
    throw new Error(
      `database schema version ${newest} is newer than this build supports (${known})`,
    );
  }
  const isApplied = db.prepare<[number], { version: number }>(
    'SELECT version FROM schema_migrations WHERE version = ?',
  );
  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const migration of sorted) {
    const ran = db
      .transaction(() => {
        if (isApplied.get(migration.version)) return false;
        migration.up(db);
        record.run(migration.version, migration.name, Date.now());
        return true;
      })
      .immediate();
    if (ran) applied.push(migration.version);
  }
  return applied;
}
