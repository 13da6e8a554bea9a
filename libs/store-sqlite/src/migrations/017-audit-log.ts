import { Migration } from './migration';

/**
 * The audit log: one row per administrative or moderation action, read newest first with
 * filters. Append-only: triggers refuse every UPDATE and DELETE of a row.
 */
export const auditLogMigration: Migration = {
  version: 17,
  name: 'audit-log',
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
    `);
  },
};
