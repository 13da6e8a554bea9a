import { Migration } from './migration';

/** Finds a tenant's oldest live messages for message retention without scanning the table. */
export const liveMessagesByAgeMigration: Migration = {
  version: 30,
  name: 'live-messages-by-age',
  up(db) {
    db.exec(`
      CREATE INDEX messages_live_by_age ON messages (tenant_id, created_at)
        WHERE deleted_at IS NULL;
    `);
  },
};
