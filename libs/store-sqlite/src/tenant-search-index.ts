import type { Database } from 'better-sqlite3';
import { TENANT_ID_PATTERN } from '@chatter/core';

/** The tokenizer of every message search index (Porter stemming over Unicode words). */
const TOKENIZE = 'porter unicode61 remove_diacritics 2';
const PREFIX = 'messages_fts_';

/**
 * The full-text index of one tenant's messages: an FTS5 table per tenant, so a search reads and
 * scores only its own tenant's rows, and ranking statistics (bm25's document frequencies) never
 * depend on another tenant's messages. Named by the hex of the tenant id (ids are slugs, but hex
 * keeps any id a plain identifier).
 */
export const searchTableOf = (tenantId: string): string =>
  `${PREFIX}${Buffer.from(tenantId, 'utf8').toString('hex')}`;

/**
 * Creates a tenant's index and the triggers that keep it in step with `messages` (only live
 * bodies are indexed; a tombstone leaves the index), and indexes the tenant's existing messages.
 * Idempotent; runs inside the caller's transaction when there is one.
 */
export function createTenantSearchIndex(db: Database, tenantId: string): string {
  if (!TENANT_ID_PATTERN.test(tenantId))
    throw new Error(`not a tenant id: ${JSON.stringify(tenantId.slice(0, 60))}`);
  const t = searchTableOf(tenantId);
  // The id is a validated slug: safe as an SQL string literal (triggers cannot take parameters).
  const id = `'${tenantId}'`;
  const exists =
    db
      .prepare<[string], { n: number }>(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
      )
      .get(t)!.n > 0;
  if (exists) return t;
  db.exec(`
    CREATE VIRTUAL TABLE ${t} USING fts5(body, content = 'messages', content_rowid = 'pk', tokenize = '${TOKENIZE}');
    CREATE TRIGGER ${t}_insert AFTER INSERT ON messages WHEN new.tenant_id = ${id} AND new.body IS NOT NULL BEGIN
      INSERT INTO ${t} (rowid, body) VALUES (new.pk, new.body);
    END;
    CREATE TRIGGER ${t}_delete AFTER DELETE ON messages WHEN old.tenant_id = ${id} AND old.body IS NOT NULL BEGIN
      INSERT INTO ${t} (${t}, rowid, body) VALUES ('delete', old.pk, old.body);
    END;
    CREATE TRIGGER ${t}_update AFTER UPDATE OF body ON messages WHEN new.tenant_id = ${id} BEGIN
      INSERT INTO ${t} (${t}, rowid, body) SELECT 'delete', old.pk, old.body WHERE old.body IS NOT NULL;
      INSERT INTO ${t} (rowid, body) SELECT new.pk, new.body WHERE new.body IS NOT NULL;
    END;
    INSERT INTO ${t} (rowid, body) SELECT pk, body FROM messages WHERE tenant_id = ${id} AND body IS NOT NULL;
  `);
  return t;
}

/** The tenants that have an index, read from the schema. */
export function indexedTenants(db: Database): Set<string> {
  const rows = db
    .prepare<[string], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB ? ",
    )
    .all(`${PREFIX}*`);
  const ids = new Set<string>();
  for (const { name } of rows) {
    const hex = name.slice(PREFIX.length);
    // FTS5 shadow tables (`<name>_data`, `_idx`, ...) share the prefix; only the index itself is pure hex.
    if (!/^(?:[0-9a-f]{2})+$/.test(hex)) continue;
    const id = Buffer.from(hex, 'hex').toString('utf8');
    if (TENANT_ID_PATTERN.test(id)) ids.add(id);
  }
  return ids;
}
