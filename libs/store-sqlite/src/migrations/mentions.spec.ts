import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite-driver';
import { MIGRATIONS, migrate } from './index';

describe('migration 5: mentions', () => {
  let db: Database.Database;
  afterEach(() => db.close());

  it('gives existing messages no mentions and existing channels an admins-only @all', () => {
    db = openDatabase(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 5),
    );
    const t = 'acme';
    db.prepare(
      "INSERT INTO tenants (id, name, signing_secret, created_at) VALUES (?, 'Acme', 'secret', 0)",
    ).run(t);
    db.prepare(
      "INSERT INTO users (tenant_id, id, name, presence_privacy, created_at, updated_at) VALUES (?, 'u', 'u', 'CONTACTS', 0, 0)",
    ).run(t);
    const conversation = db.prepare(
      'INSERT INTO conversations (tenant_id, id, kind, last_activity_at, member_count, created_at) VALUES (?, ?, ?, 0, 0, 0)',
    );
    conversation.run(t, 'g', 'GROUP');
    conversation.run(t, 'c', 'CHANNEL');
    db.prepare(
      "INSERT INTO messages (tenant_id, id, conversation_id, seq, sender_id, client_message_id, body, created_at) VALUES (?, 'm', 'g', 1, 'u', 'k', '@all <@x>', 0)",
    ).run(t);

    expect(
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 5),
      ),
    ).toEqual([5]);
    expect(db.prepare('SELECT id, mention_all FROM conversations ORDER BY id').all()).toEqual([
      { id: 'c', mention_all: 'ADMINS' },
      { id: 'g', mention_all: 'MEMBERS' },
    ]);
    expect(
      db
        .prepare('SELECT mentions, mentions_all, mentioned_ever, mentioned_all_ever FROM messages')
        .get(),
    ).toEqual({ mentions: '[]', mentions_all: 0, mentioned_ever: '[]', mentioned_all_ever: 0 });
    expect(() =>
      db.prepare("UPDATE conversations SET mention_all = 'NOBODY' WHERE id = 'g'").run(),
    ).toThrow(/CHECK/);
  });
});
