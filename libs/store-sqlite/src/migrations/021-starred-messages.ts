import { Migration } from './migration';

/** Starred messages: per user, listed newest star first. */
export const starredMessagesMigration: Migration = {
  version: 21,
  name: 'starred-messages',
  up(db) {
    db.exec(`
      CREATE TABLE stars (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        starred_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id, message_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX stars_by_time ON stars (tenant_id, user_id, starred_at, message_id);
    `);
  },
};
