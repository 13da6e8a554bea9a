import { Migration } from './migration';

/** Bot accounts: a flag on their user row, and their scoped, revocable token. */
export const botsMigration: Migration = {
  version: 13,
  name: 'bots',
  up(db) {
    db.exec(`
      ALTER TABLE users ADD COLUMN is_bot INTEGER NOT NULL DEFAULT 0 CHECK (is_bot IN (0, 1));
      CREATE TABLE bots (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        conversation_ids TEXT,
        token_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      ) STRICT;
    `);
  },
};
