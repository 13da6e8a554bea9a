import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite-driver';
import { MIGRATIONS, migrate } from './index';

describe('migration 7: channel descriptions and unique names', () => {
  let db: Database.Database;
  afterEach(() => db.close());

  it('keeps channels that already shared a name (the oldest holds it) and refuses new duplicates', () => {
    db = openDatabase(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 7),
    );
    const t = 'acme';
    db.prepare(
      "INSERT INTO tenants (id, name, signing_secret, created_at) VALUES (?, 'Acme', 'secret', 0)",
    ).run(t);
    const insert = db.prepare(
      `INSERT INTO conversations (tenant_id, id, kind, title, last_activity_at, member_count, created_at)
       VALUES (?, ?, ?, ?, 0, 0, ?)`,
    );
    insert.run(t, 'c-new', 'CHANNEL', 'team news', 2000);
    insert.run(t, 'c-old', 'CHANNEL', 'Team  News', 1000);
    insert.run(t, 'g-1', 'GROUP', 'Team News', 500);
    insert.run(t, 'c-other', 'CHANNEL', 'Random', 3000);

    migrate(db, MIGRATIONS);

    const keys = Object.fromEntries(
      db
        .prepare<[], { id: string; channel_name_key: string | null; description: string | null }>(
          'SELECT id, channel_name_key, description FROM conversations ORDER BY id',
        )
        .all()
        .map((r) => [r.id, [r.channel_name_key, r.description]]),
    );
    expect(keys).toEqual({
      'c-new': [null, null],
      'c-old': ['team news', null],
      'c-other': ['random', null],
      'g-1': [null, null],
    });
    expect(() =>
      db
        .prepare(
          `INSERT INTO conversations (tenant_id, id, kind, title, channel_name_key, last_activity_at, member_count, created_at)
           VALUES (?, 'c-dup', 'CHANNEL', 'RANDOM', 'random', 0, 0, 0)`,
        )
        .run(t),
    ).toThrow(/UNIQUE/);
  });
});
