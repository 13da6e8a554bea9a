import { Migration } from './migration';

/**
 * Threads and forwarding: a message may reply in the thread under a root (kept out of the main
 * timeline), or be a forwarded copy; and each user's follow and read state per thread.
 */
export const threadsAndForwardingMigration: Migration = {
  version: 20,
  name: 'threads-and-forwarding',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN thread_root_id TEXT;
      ALTER TABLE messages ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX messages_by_thread ON messages (tenant_id, thread_root_id, seq)
        WHERE thread_root_id IS NOT NULL;

      CREATE TABLE thread_follows (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        root_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        following INTEGER NOT NULL,
        read_seq INTEGER NOT NULL DEFAULT 0,
        followed_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id, root_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX thread_follows_followed ON thread_follows (tenant_id, user_id, followed_at, root_id)
        WHERE following = 1;
    `);
  },
};
