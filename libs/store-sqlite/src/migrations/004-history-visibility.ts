import { Migration } from './migration';

/**
 * History visibility: a conversation setting, and per member the seq after which they see the
 * log. Existing conversations keep what they showed before (FULL); existing members see all.
 */
export const historyVisibilityMigration: Migration = {
  version: 4,
  name: 'history-visibility',
  up(db) {
    db.exec(`
      ALTER TABLE conversations ADD COLUMN history_visibility TEXT NOT NULL DEFAULT 'FULL'
        CHECK (history_visibility IN ('FULL', 'SINCE_JOINED'));
      ALTER TABLE members ADD COLUMN history_from_seq INTEGER NOT NULL DEFAULT 0;
    `);
  },
};
