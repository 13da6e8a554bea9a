import { Migration } from './migration';

/**
 * Webhook history is pruned by age (`PruneWebhookHistory`): indexes that find the oldest
 * delivery log entries and the oldest dead letters without a scan.
 */
export const webhookHistoryPruningMigration: Migration = {
  version: 45,
  name: 'webhook-history-pruning',
  up(db) {
    db.exec(`
      CREATE INDEX webhook_deliveries_age ON webhook_deliveries (at);
      CREATE INDEX webhook_queue_dead_age ON webhook_queue (created_at) WHERE status = 'DEAD';
    `);
  },
};
