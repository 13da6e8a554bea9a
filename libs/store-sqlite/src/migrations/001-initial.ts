import { Migration } from './migration';

/*
 * Dates are epoch milliseconds (INTEGER) everywhere; booleans are 0/1. Every tenant-scoped table
 * leads its keys with tenant_id so no lookup can cross tenants by id alone.
 */
export const initialMigration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        signing_secret TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE users (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        phone TEXT,
        external_id TEXT,
        name TEXT NOT NULL,
        avatar_url TEXT,
        status_text TEXT,
        status_emoji TEXT,
        presence_privacy TEXT NOT NULL CHECK (presence_privacy IN ('EVERYONE', 'CONTACTS', 'NOBODY')),
        last_seen_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE UNIQUE INDEX users_phone ON users (tenant_id, phone) WHERE phone IS NOT NULL;
      CREATE UNIQUE INDEX users_external_id ON users (tenant_id, external_id) WHERE external_id IS NOT NULL;

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
      ) STRICT;
      CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

      CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        used_at INTEGER
      ) STRICT;
      CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

      CREATE TABLE contacts (
        tenant_id TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, owner_id, contact_id),
        FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
        FOREIGN KEY (tenant_id, contact_id) REFERENCES users (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX contacts_by_age ON contacts (tenant_id, owner_id, created_at, contact_id);

      CREATE TABLE blocks (
        tenant_id TEXT NOT NULL,
        blocker_id TEXT NOT NULL,
        blocked_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, blocker_id, blocked_id),
        FOREIGN KEY (tenant_id, blocker_id) REFERENCES users (tenant_id, id),
        FOREIGN KEY (tenant_id, blocked_id) REFERENCES users (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX blocks_by_age ON blocks (tenant_id, blocker_id, created_at, blocked_id);

      CREATE TABLE conversations (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('DIRECT', 'GROUP', 'CHANNEL')),
        title TEXT,
        -- Lower-cased in JS (Unicode-aware) for case-insensitive title search.
        title_folded TEXT,
        unique_key TEXT,
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_message_id TEXT,
        last_activity_at INTEGER NOT NULL,
        member_count INTEGER NOT NULL DEFAULT 0,
        created_by TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE UNIQUE INDEX conversations_unique_key ON conversations (tenant_id, unique_key)
        WHERE unique_key IS NOT NULL;
      CREATE INDEX conversations_by_kind_title ON conversations (tenant_id, kind, title, id);

      CREATE TABLE members (
        tenant_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER')),
        joined_at INTEGER NOT NULL,
        read_seq INTEGER NOT NULL DEFAULT 0,
        delivered_seq INTEGER NOT NULL DEFAULT 0,
        muted INTEGER NOT NULL DEFAULT 0,
        pinned INTEGER NOT NULL DEFAULT 0,
        archived INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, conversation_id, user_id),
        FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX members_by_user ON members (tenant_id, user_id, conversation_id);
      CREATE INDEX members_by_join ON members (tenant_id, conversation_id, joined_at, user_id);
      CREATE INDEX members_by_role ON members (tenant_id, conversation_id, role);

      -- An explicit INTEGER PRIMARY KEY keeps rowids stable across VACUUM (the FTS index refers to them).
      CREATE TABLE messages (
        pk INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        sender_id TEXT NOT NULL,
        client_message_id TEXT NOT NULL,
        body TEXT,
        reply_to_id TEXT,
        created_at INTEGER NOT NULL,
        edited_at INTEGER,
        deleted_at INTEGER,
        FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, sender_id) REFERENCES users (tenant_id, id)
      ) STRICT;
      CREATE UNIQUE INDEX messages_id ON messages (tenant_id, id);
      CREATE UNIQUE INDEX messages_seq ON messages (tenant_id, conversation_id, seq);
      CREATE UNIQUE INDEX messages_client_id ON messages (tenant_id, sender_id, client_message_id);

      CREATE VIRTUAL TABLE messages_fts USING fts5(
        body,
        content = 'messages',
        content_rowid = 'pk',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      -- Only live bodies are indexed; a tombstone (body NULL) leaves the index.
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.body IS NOT NULL BEGIN
        INSERT INTO messages_fts (rowid, body) VALUES (new.pk, new.body);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.body IS NOT NULL BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.pk, old.body);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body)
          SELECT 'delete', old.pk, old.body WHERE old.body IS NOT NULL;
        INSERT INTO messages_fts (rowid, body) SELECT new.pk, new.body WHERE new.body IS NOT NULL;
      END;

      CREATE TABLE reactions (
        pk INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        emoji TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
      ) STRICT;
      CREATE UNIQUE INDEX reactions_unique ON reactions (tenant_id, message_id, emoji, user_id);

      -- The ordered log of each conversation: one row per seq.
      CREATE TABLE events (
        tenant_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL
          CHECK (kind IN ('MESSAGE_ADDED', 'MESSAGE_UPDATED', 'MEMBERSHIP_CHANGED', 'CONVERSATION_CHANGED')),
        message_id TEXT,
        user_id TEXT,
        change TEXT CHECK (change IN ('ADDED', 'REMOVED', 'LEFT', 'ROLE_CHANGED')),
        at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, conversation_id, seq),
        FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
