import { Migration } from './migration';

/**
 * The audit log: one row per administrative or moderation action, read newest first with
 * filters. Append-only: triggers refuse every UPDATE and DELETE of a row. And reports of messages
 * and users, with their outcome.
 */
export const auditLogAndReportsMigration: Migration = {
  version: 17,
  name: 'audit-log-and-reports',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor_id TEXT,
        action TEXT NOT NULL,
        target_user_id TEXT,
        conversation_id TEXT,
        message_id TEXT,
        reason TEXT,
        details TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX audit_log_by_time ON audit_log (tenant_id, at, id);
      CREATE INDEX audit_log_by_action ON audit_log (tenant_id, action, at, id);
      CREATE INDEX audit_log_by_actor ON audit_log (tenant_id, actor_id, at, id);
      CREATE INDEX audit_log_by_target ON audit_log (tenant_id, target_user_id, at, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TABLE reports (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        reporter_id TEXT NOT NULL,
        target_user_id TEXT NOT NULL,
        message_id TEXT,
        conversation_id TEXT,
        reason TEXT NOT NULL,
        note TEXT,
        status TEXT NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
        outcome TEXT CHECK (outcome IN ('DISMISSED', 'MESSAGE_DELETED', 'USER_SUSPENDED', 'USER_BANNED')),
        resolved_by TEXT,
        resolved_at INTEGER,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX reports_open ON reports (tenant_id, status, created_at, id);
      CREATE INDEX reports_by_reporter ON reports (tenant_id, reporter_id, created_at);
    `);
  },
};
