import { Migration } from './migration';

/**
 * Mentions: per message the resolved mentions (JSON array of user ids, `@all` flag) and every
 * mention any version of it had (so an edit notifies only newly mentioned people); per
 * conversation who may use `@all`. Channels start with admins only, groups with every member.
 */
export const mentionsMigration: Migration = {
  version: 5,
  name: 'mentions',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE messages ADD COLUMN mentions_all INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN mentioned_ever TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE messages ADD COLUMN mentioned_all_ever INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversations ADD COLUMN mention_all TEXT NOT NULL DEFAULT 'MEMBERS'
        CHECK (mention_all IN ('ADMINS', 'MEMBERS'));
      UPDATE conversations SET mention_all = 'ADMINS' WHERE kind = 'CHANNEL';
    `);
  },
};
