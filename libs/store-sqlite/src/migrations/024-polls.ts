import { Migration } from './migration';

/**
 * Polls: one row per poll message (its options as JSON), and one row per chosen option of each
 * member's ballot. Deleting the message (or its conversation) removes both.
 */
export const pollsMigration: Migration = {
  version: 24,
  name: 'polls',
  up(db) {
    db.exec(`
      CREATE TABLE polls (
        tenant_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        creator_id TEXT NOT NULL,
        question TEXT NOT NULL,
        options TEXT NOT NULL,
        multiple_choice INTEGER NOT NULL,
        anonymous INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        closed_at INTEGER,
        PRIMARY KEY (tenant_id, message_id),
        FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE poll_votes (
        tenant_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        option_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, message_id, user_id, option_id),
        FOREIGN KEY (tenant_id, message_id) REFERENCES polls (tenant_id, message_id) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX poll_votes_by_option ON poll_votes (tenant_id, message_id, option_id, at, user_id);
    `);
  },
};
