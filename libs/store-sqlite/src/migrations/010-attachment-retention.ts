import { Migration } from './migration';

/** A tenant's attachment retention: files are deleted this many days after upload (NULL: kept). */
export const attachmentRetentionMigration: Migration = {
  version: 10,
  name: 'attachment-retention',
  up(db) {
    db.exec(`
      ALTER TABLE tenants ADD COLUMN attachment_retention_days INTEGER
        CHECK (attachment_retention_days IS NULL OR attachment_retention_days BETWEEN 1 AND 36500);
      CREATE INDEX attachments_created ON attachments (tenant_id, created_at) WHERE expires_at IS NULL;
    `);
  },
};
