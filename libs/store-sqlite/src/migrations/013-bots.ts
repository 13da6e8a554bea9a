import { Migration } from './migration';

/** Bot accounts (a flag on their user row, their scoped, revocable token) and their outgoing webhooks. */
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
      CREATE TABLE webhooks (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        bot_id TEXT NOT NULL,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      ) STRICT;
      CREATE INDEX webhooks_bot ON webhooks (tenant_id, bot_id, created_at);
      CREATE TABLE webhook_conversations (
        tenant_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        PRIMARY KEY (tenant_id, conversation_id, webhook_id),
        FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
      ) STRICT;
      CREATE TABLE webhook_deliveries (
        pk INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('DELIVERED', 'RETRYING', 'FAILED')),
        response_status INTEGER,
        error TEXT,
        at INTEGER NOT NULL,
        FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, webhook_id, pk);
      CREATE TABLE incoming_webhooks (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        bot_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX incoming_webhooks_bot ON incoming_webhooks (tenant_id, bot_id, created_at);
    `);
  },
};
