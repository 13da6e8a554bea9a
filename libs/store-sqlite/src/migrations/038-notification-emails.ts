import { Migration } from './migration';

/** Users' notification e-mail: address, verification code (hashed), digest switch and schedule. */
export const notificationEmailsMigration: Migration = {
  version: 38,
  name: 'notification-emails',
  up(db) {
    db.exec(`
      CREATE TABLE notification_emails (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        address TEXT NOT NULL,
        verified INTEGER NOT NULL,
        digest_enabled INTEGER NOT NULL,
        code_hash TEXT,
        code_expires_at INTEGER,
        code_attempts INTEGER NOT NULL DEFAULT 0,
        last_digest_at INTEGER,
        digest_due_at INTEGER,
        PRIMARY KEY (tenant_id, user_id)
      ) STRICT;
      CREATE INDEX notification_emails_digests
        ON notification_emails (tenant_id, user_id) WHERE verified = 1 AND digest_enabled = 1;
    `);
  },
};
