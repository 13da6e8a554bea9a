import { Migration } from './migration';

/**
 * Scheduled messages: the durable timer of "send later". One row per waiting (or failed)
 * message, unique per (tenant, sender, clientMessageId); due rows are found by (state, send_at),
 * expired claims by (state, claimed_until).
 */
export const scheduledMessagesMigration: Migration = {
  version: 26,
  name: 'scheduled-messages',
  up(db) {
    db.exec(`
      CREATE TABLE scheduled_messages (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        client_message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        send_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('PENDING', 'SENDING', 'FAILED')),
        failure TEXT,
        claimed_until INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE UNIQUE INDEX scheduled_messages_by_key
        ON scheduled_messages (tenant_id, sender_id, client_message_id);
      CREATE INDEX scheduled_messages_by_sender
        ON scheduled_messages (tenant_id, sender_id, send_at, id);
      CREATE INDEX scheduled_messages_due ON scheduled_messages (state, send_at);
      CREATE INDEX scheduled_messages_claims ON scheduled_messages (state, claimed_until);
    `);
  },
};
