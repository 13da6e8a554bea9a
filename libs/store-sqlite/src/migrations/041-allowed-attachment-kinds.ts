import { Migration } from './migration';

/** Which kinds of attachment a tenant's members may share (every kind until an admin narrows it). */
export const allowedAttachmentKindsMigration: Migration = {
  version: 41,
  name: 'allowed-attachment-kinds',
  up(db) {
    db.exec(`
      ALTER TABLE tenant_safety_settings ADD COLUMN allowed_attachment_kinds TEXT NOT NULL
        DEFAULT '["IMAGE","AUDIO","VIDEO","FILE"]';
    `);
  },
};
