import { Migration } from './migration';

/** Each tenant's safety settings (word filter, message retention, who may create channels). */
export const tenantSafetySettingsMigration: Migration = {
  version: 29,
  name: 'tenant-safety-settings',
  up(db) {
    db.exec(`
      CREATE TABLE tenant_safety_settings (
        tenant_id TEXT PRIMARY KEY,
        word_filter_mode TEXT NOT NULL CHECK (word_filter_mode IN ('OFF', 'BLOCK', 'MASK')),
        filter_words TEXT NOT NULL DEFAULT '[]',
        message_retention_days INTEGER,
        channel_creation TEXT NOT NULL CHECK (channel_creation IN ('EVERYONE', 'ADMINS')),
        updated_by TEXT,
        updated_at INTEGER
      ) STRICT;
      CREATE INDEX tenant_safety_retention ON tenant_safety_settings (message_retention_days)
        WHERE message_retention_days IS NOT NULL;
    `);
  },
};
