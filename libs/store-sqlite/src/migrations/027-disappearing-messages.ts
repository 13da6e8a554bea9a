import type { Database } from 'better-sqlite3';
import { Migration } from './migration';

const OLD_ATTRIBUTES = "CHECK (attribute IN ('TITLE', 'HISTORY_VISIBILITY', 'DESCRIPTION'))";
const NEW_ATTRIBUTES =
  "CHECK (attribute IN ('TITLE', 'HISTORY_VISIBILITY', 'DESCRIPTION', 'DISAPPEARING'))";

/**
 * Disappearing messages: a conversation's timer, each message's expiry (with an index the
 * sweeper reads soonest first), and the DISAPPEARING attribute of conversation log entries.
 * SQLite cannot alter a CHECK constraint, so `events` is rebuilt from its stored definition with
 * the wider check, rows, indexes and all (as migration 16 did for roles).
 */
export const disappearingMessagesMigration: Migration = {
  version: 27,
  name: 'disappearing-messages',
  up(db) {
    db.exec(`
      ALTER TABLE conversations ADD COLUMN disappear_after_seconds INTEGER;
      ALTER TABLE messages ADD COLUMN expires_at INTEGER;
      CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;
    `);
    widenAttributeCheck(db, 'events');
  },
};

function widenAttributeCheck(db: Database, table: string): void {
  const definition = db
    .prepare<[string], { sql: string }>(
      "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
    )
    .get(table)?.sql;
  if (!definition || !definition.includes(OLD_ATTRIBUTES))
    throw new Error(`migration 27: unexpected definition of table ${table}`);
  const others = db
    .prepare<[string], { sql: string }>(
      "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
    )
    .all(table)
    .map((r) => r.sql);
  const staging = `${table}_widened`;
  const created = definition
    .replace(OLD_ATTRIBUTES, NEW_ATTRIBUTES)
    .replace(new RegExp(`^CREATE TABLE "?${table}"?`), `CREATE TABLE ${staging}`);
  if (!created.startsWith(`CREATE TABLE ${staging}`))
    throw new Error(`migration 27: cannot rename table ${table}`);
  db.exec(created);
  db.exec(`INSERT INTO ${staging} SELECT * FROM ${table}`);
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${staging} RENAME TO ${table}`);
  for (const sql of others) db.exec(sql);
}
