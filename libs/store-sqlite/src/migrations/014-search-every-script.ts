import type { Database } from 'better-sqlite3';
import {
  createTenantSearchIndex,
  dropTenantSearchIndex,
  indexedTenants,
  registerSearchFunctions,
} from '../tenant-search-index';
import { Migration } from './migration';

/**
 * Search in every script: each tenant's index is rebuilt over folded bodies (NFKC, lower case,
 * no diacritics) as a word index (prefix and phrase queries) beside a trigram index
 * (substrings: Chinese, Japanese, Thai, emoji).
 */
export const searchEveryScriptMigration: Migration = {
  version: 14,
  name: 'search-every-script',
  up(db: Database) {
    registerSearchFunctions(db);
    for (const tenantId of indexedTenants(db)) {
      dropTenantSearchIndex(db, tenantId);
      createTenantSearchIndex(db, tenantId);
    }
  },
};
