import { Migration } from './migration';

/** Notification settings (user defaults, conversation overrides, tenant options) and push devices. */
export const notificationsMigration: Migration = {
  version: 11,
  name: 'notifications',
  up(db) {
    db.exec(`
      CREATE TABLE notification_defaults (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        settings TEXT NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      ) STRICT;
      CREATE TABLE notification_overrides (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        level TEXT CHECK (level IN ('ALL', 'MENTIONS', 'NONE')),
        muted_until INTEGER,
        PRIMARY KEY (tenant_id, user_id, conversation_id)
      ) STRICT;
      CREATE TABLE tenant_notification_options (
        tenant_id TEXT PRIMARY KEY,
        omit_message_text INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE push_devices (
        pk INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('WEB_PUSH', 'GATEWAY')),
        app_id TEXT,
        endpoint TEXT NOT NULL,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_success_at INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX push_devices_id ON push_devices (tenant_id, id);
      CREATE UNIQUE INDEX push_devices_endpoint ON push_devices (tenant_id, endpoint);
      CREATE INDEX push_devices_user ON push_devices (tenant_id, user_id, created_at);
    `);
  },
};
