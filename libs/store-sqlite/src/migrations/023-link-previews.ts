import { Migration } from './migration';

/**
 * Link previews: one per message (a removed one stays as a row with `removed = 1`, so it is
 * never attached again), and the per-URL cache of fetched pages (metadata NULL: the page gave
 * none; cached too, so a bad link is not fetched again and again).
 */
export const linkPreviewsMigration: Migration = {
  version: 23,
  name: 'link-previews',
  up(db) {
    db.exec(`
      CREATE TABLE link_previews (
        tenant_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT,
        description TEXT,
        site_name TEXT,
        image_attachment_id TEXT,
        created_at INTEGER NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, message_id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE link_preview_cache (
        url TEXT PRIMARY KEY,
        metadata TEXT,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX link_preview_cache_by_expiry ON link_preview_cache (expires_at);
    `);
  },
};
