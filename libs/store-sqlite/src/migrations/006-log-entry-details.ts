import { Migration } from './migration';

/**
 * What a membership or conversation log entry says, for the timeline's lines: who made the
 * change, the new role of a ROLE_CHANGED, and which attribute changed to what. Entries recorded
 * before keep nulls (the timeline then names no actor). A partial index serves the timeline's
 * reads, which skip message entries.
 */
export const logEntryDetailsMigration: Migration = {
  version: 6,
  name: 'log-entry-details',
  up(db) {
    db.exec(`
      ALTER TABLE events ADD COLUMN actor_id TEXT;
      ALTER TABLE events ADD COLUMN role TEXT CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER'));
      ALTER TABLE events ADD COLUMN attribute TEXT
        CHECK (attribute IN ('TITLE', 'HISTORY_VISIBILITY', 'DESCRIPTION'));
      ALTER TABLE events ADD COLUMN value TEXT;
      CREATE INDEX events_notices ON events (tenant_id, conversation_id, seq)
        WHERE kind IN ('MEMBERSHIP_CHANGED', 'CONVERSATION_CHANGED');
    `);
  },
};
