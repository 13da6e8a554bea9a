import { Migration } from './migration';

/**
 * Calls: the state of each one-to-one call (shared by every process on this file), and on
 * messages the summary of the call a call-history message records.
 */
export const callsMigration: Migration = {
  version: 12,
  name: 'calls',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN call TEXT;
      CREATE TABLE calls (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        caller_id TEXT NOT NULL,
        callee_id TEXT NOT NULL,
        caller_session_id TEXT,
        callee_session_id TEXT,
        media TEXT NOT NULL CHECK (media IN ('VOICE', 'VIDEO')),
        offer_sdp TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('RINGING', 'ACTIVE', 'ENDED')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER,
        end_reason TEXT
          CHECK (end_reason IN ('HANGUP', 'CANCELLED', 'DECLINED', 'MISSED', 'FAILED', 'BLOCKED')),
        PRIMARY KEY (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX calls_live_caller ON calls (tenant_id, caller_id) WHERE state <> 'ENDED';
      CREATE INDEX calls_live_callee ON calls (tenant_id, callee_id) WHERE state <> 'ENDED';
      CREATE INDEX calls_ringing ON calls (expires_at) WHERE state = 'RINGING';
    `);
  },
};
