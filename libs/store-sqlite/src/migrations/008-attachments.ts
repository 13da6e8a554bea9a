import { Migration } from './migration';

/** Attachments: one row per uploaded file, bound to a message once sent. */
export const attachmentsMigration: Migration = {
  version: 8,
  name: 'attachments',
  up(db) {
    db.exec(`
      CREATE TABLE attachments (
        pk INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        uploader_id TEXT NOT NULL,
        name TEXT NOT NULL,
        declared_type TEXT NOT NULL,
        declared_size INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('PENDING', 'READY')),
        content_type TEXT,
        byte_size INTEGER,
        kind TEXT NOT NULL CHECK (kind IN ('IMAGE', 'VIDEO', 'AUDIO', 'FILE')),
        storage_key TEXT NOT NULL,
        claim_key TEXT,
        message_id TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        width INTEGER,
        height INTEGER,
        duration_ms INTEGER,
        thumbnail_key TEXT,
        placeholder TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
      ) STRICT;
      CREATE UNIQUE INDEX attachments_id ON attachments (tenant_id, id);
      CREATE INDEX attachments_message ON attachments (tenant_id, message_id, position)
        WHERE message_id IS NOT NULL;
      CREATE INDEX attachments_uploader ON attachments (tenant_id, uploader_id);
      CREATE INDEX attachments_expiry ON attachments (expires_at) WHERE expires_at IS NOT NULL;
    `);
  },
};
