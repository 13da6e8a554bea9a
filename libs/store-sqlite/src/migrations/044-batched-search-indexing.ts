import type { Database } from 'better-sqlite3';
import {
  SEARCH_QUEUE_TABLE,
  indexedTenants,
  installSearchTriggers,
  registerSearchFunctions,
} from '../tenant-search-index';
import { Migration } from './migration';

/**
 * Batched search indexing: every tenant's triggers queue new and edited bodies in
 * `search_pending` instead of writing the search indexes inside each send (see
 * `SEARCH_QUEUE_TABLE`); the indexes and what they hold are kept.
 */
export const batchedSearchIndexingMigration: Migration = {
  version: 44,
  name: 'batched-search-indexing',
  up(db: Database) {
    registerSearchFunctions(db);
    db.exec(`CREATE TABLE IF NOT EXISTS ${SEARCH_QUEUE_TABLE} (pk INTEGER PRIMARY KEY)`);
    for (const tenantId of indexedTenants(db)) installSearchTriggers(db, tenantId);
  },
};
