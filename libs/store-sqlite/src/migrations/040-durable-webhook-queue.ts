import { Migration } from './migration';

/**
 * Outgoing webhooks: the durable delivery queue (leased attempts, dead letters), a webhook's
 * consecutive failure count and disabled state, and DEAD in the delivery log.
 */
export const durableWebhookQueueMigration: Migration = {
  version: 40,
  name: 'durable-webhook-queue',
  up(db) {
    db.exec(`
      ALTER TABLE webhooks ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE webhooks ADD COLUMN disabled_at INTEGER;
      ALTER TABLE webhooks ADD COLUMN disabled_reason TEXT;

      CREATE TABLE webhook_queue (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        body TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        status TEXT NOT NULL CHECK (status IN ('PENDING', 'DEAD')),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX webhook_queue_due ON webhook_queue (next_attempt_at) WHERE status = 'PENDING';
      CREATE INDEX webhook_queue_webhook ON webhook_queue (tenant_id, webhook_id, created_at);

      CREATE TABLE webhook_deliveries_widened (
        pk INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('DELIVERED', 'RETRYING', 'FAILED', 'DEAD')),
        response_status INTEGER,
        error TEXT,
        at INTEGER NOT NULL,
        FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
      ) STRICT;
      INSERT INTO webhook_deliveries_widened
        (pk, tenant_id, id, webhook_id, event_id, event_type, attempt, status, response_status, error, at)
        SELECT pk, tenant_id, id, webhook_id, event_id, event_type, attempt, status, response_status, error, at
        FROM webhook_deliveries;
      DROP TABLE webhook_deliveries;
      ALTER TABLE webhook_deliveries_widened RENAME TO webhook_deliveries;
      CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, webhook_id, pk);
    `);
  },
};
