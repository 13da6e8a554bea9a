import type { Database } from 'better-sqlite3';
import { createTenantSearchIndex } from '../tenant-search-index';
import { Migration } from './migration';

/**
 * Full-text search per tenant: the one `messages_fts` index spanned every tenant, so a common
 * term read and scored every tenant's rows. Each tenant with messages gets its own index (later
 * tenants get theirs with their first message). Also adds the tenant's phone sign-up setting.
 */
export const tenantSearchAndSettingsMigration: Migration = {
  version: 2,
  name: 'tenant-search-and-settings',
  up(db: Database) {
    db.exec(`
      DROP TRIGGER IF EXISTS messages_fts_insert;
      DROP TRIGGER IF EXISTS messages_fts_delete;
      DROP TRIGGER IF EXISTS messages_fts_update;
      DROP TABLE IF EXISTS messages_fts;
      ALTER TABLE tenants ADD COLUMN phone_sign_up INTEGER NOT NULL DEFAULT 1 CHECK (phone_sign_up IN (0, 1));
    `);
    const tenants = db
      .prepare<[], { tenant_id: string }>('SELECT DISTINCT tenant_id FROM messages')
      .all();
    for (const { tenant_id } of tenants) createTenantSearchIndex(db, tenant_id);
  },
};
