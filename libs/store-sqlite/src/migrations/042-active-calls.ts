import { Migration } from './migration';

/**
 * Answered calls by id, for the sweep that ends calls a party left without hanging up (it pages
 * through the ACTIVE ones; the table keeps every call ever made).
 */
export const activeCallsMigration: Migration = {
  version: 42,
  name: 'active-calls',
  up(db) {
    db.exec(`CREATE INDEX calls_active ON calls (id) WHERE state = 'ACTIVE';`);
  },
};
