import { Migration } from './migration';

/**
 * Former members: what a user who left or was removed keeps reading of a conversation (the
 * periods of their past memberships, JSON `[{fromSeq,toSeq}]`) and how the latest one ended.
 * The row stays when they are added again, so earlier periods remain readable.
 */
export const formerMembersMigration: Migration = {
  version: 9,
  name: 'former-members',
  up(db) {
    db.exec(`
      CREATE TABLE former_members (
        tenant_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        periods TEXT NOT NULL,
        change TEXT NOT NULL CHECK (change IN ('REMOVED', 'LEFT')),
        actor_id TEXT,
        exited_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, conversation_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX former_members_by_user ON former_members (tenant_id, user_id, exited_at DESC);
    `);
  },
};
