import type { Database } from 'better-sqlite3';
import { Migration } from './migration';

const OLD_ROLES = "CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER'))";
const NEW_ROLES = "CHECK (role IN ('OWNER', 'ADMIN', 'MODERATOR', 'MEMBER'))";

/**
 * Tenant roles (owner, admin) and user sanctions (suspension, ban) in tables of their own, and
 * the MODERATOR member role. SQLite
 * cannot alter a CHECK constraint, so `members` and `events` are rebuilt from their own stored
 * definitions with the wider check, rows, indexes and all (the documented 12-step procedure;
 * no table refers to either by foreign key).
 */
export const tenantRolesAndModerationMigration: Migration = {
  version: 16,
  name: 'tenant-roles-and-moderation',
  up(db) {
    db.exec(`
      CREATE TABLE tenant_roles (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('OWNER', 'ADMIN')),
        granted_by TEXT,
        granted_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX tenant_roles_by_role ON tenant_roles (tenant_id, role, user_id);

      CREATE TABLE user_sanctions (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('SUSPENDED', 'BANNED')),
        until INTEGER,
        reason TEXT,
        by_user TEXT,
        at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX user_sanctions_by_time ON user_sanctions (tenant_id, at);
    `);
    widenRoleCheck(db, 'members');
    widenRoleCheck(db, 'events');
  },
};

function widenRoleCheck(db: Database, table: string): void {
  const definition = db
    .prepare<[string], { sql: string }>(
      "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
    )
    .get(table)?.sql;
  if (!definition || !definition.includes(OLD_ROLES))
    throw new Error(`migration 16: unexpected definition of table ${table}`);
  const others = db
    .prepare<[string], { sql: string }>(
      "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
    )
    .all(table)
    .map((r) => r.sql);
  const staging = `${table}_widened`;
  const created = definition
    .replace(OLD_ROLES, NEW_ROLES)
    .replace(new RegExp(`^CREATE TABLE "?${table}"?`), `CREATE TABLE ${staging}`);
  if (!created.startsWith(`CREATE TABLE ${staging}`))
    throw new Error(`migration 16: cannot rename table ${table}`);
  db.exec(created);
  db.exec(`INSERT INTO ${staging} SELECT * FROM ${table}`);
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${staging} RENAME TO ${table}`);
  for (const sql of others) db.exec(sql);
}
