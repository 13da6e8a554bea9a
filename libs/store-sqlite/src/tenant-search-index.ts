import type { Database } from 'better-sqlite3';
import { foldForSearch, TENANT_ID_PATTERN } from '@chatter/core';

const PREFIX = 'messages_fts_';
const TRIGRAM_PREFIX = 'messages_tri_';
/** The SQL function that folds a body for search (`foldForSearch`); registered on every connection. */
export const FOLD_FUNCTION = 'chatter_search_fold';

/** Makes the folding function available to this connection's triggers and queries. */
export function registerSearchFunctions(db: Database): void {
  db.function(FOLD_FUNCTION, { deterministic: true }, (body: unknown) =>
    typeof body === 'string' ? foldForSearch(body) : null,
  );
}

const hexOf = (tenantId: string) => Buffer.from(tenantId, 'utf8').toString('hex');

/**
 * The word index of one tenant's messages: an FTS5 table per tenant, so a search reads and
 * scores only its own tenant's rows, and ranking statistics (bm25's document frequencies) never
 * depend on another tenant's messages. Named by the hex of the tenant id (ids are slugs, but hex
 * keeps any id a plain identifier).
 */
export const searchTableOf = (tenantId: string): string => `${PREFIX}${hexOf(tenantId)}`;

/** The tenant's trigram index (substrings: CJK, Thai, emoji), beside the word index. */
export const trigramTableOf = (tenantId: string): string => `${TRIGRAM_PREFIX}${hexOf(tenantId)}`;

/**
 * Messages whose body waits to enter the search indexes (by `messages.pk`). A sent or edited
 * body is queued here by trigger, inside the write that changes it, and indexed in batches
 * (`SearchIndexQueue`): FTS5 writes a new index segment for every transaction that touches it,
 * so indexing one message per send cost more than the rest of the append together, and the
 * merges of those one-row segments stalled the writer. The queue is part of the database, so a
 * crash loses nothing; searches index what is queued before they read.
 */
export const SEARCH_QUEUE_TABLE = 'search_pending';

/**
 * Creates a tenant's two indexes of folded bodies (`foldForSearch`: NFKC, lower case, no
 * diacritics) — words (unicode61: prefix and phrase queries) and trigrams (substrings) — and
 * the triggers that keep them in step with `messages` (only live bodies are indexed; a tombstone
 * leaves them), and indexes the tenant's existing messages. Both are contentless (the folded
 * text is not stored twice). Idempotent; runs inside the caller's transaction when there is one.
 */
export function createTenantSearchIndex(db: Database, tenantId: string): string {
  if (!TENANT_ID_PATTERN.test(tenantId))
    throw new Error(`not a tenant id: ${JSON.stringify(tenantId.slice(0, 60))}`);
  const t = searchTableOf(tenantId);
  const g = trigramTableOf(tenantId);
  const id = `'${tenantId}'`;
  const exists =
    db
      .prepare<[string], { n: number }>(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
      )
      .get(t)!.n > 0;
  if (exists) return t;
  registerSearchFunctions(db);
  const f = FOLD_FUNCTION;
  const q = SEARCH_QUEUE_TABLE;
  db.exec(`
    CREATE VIRTUAL TABLE ${t} USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE ${g} USING fts5(body, content = '', contentless_delete = 1, tokenize = 'trigram');
  `);
  installSearchTriggers(db, tenantId);
  // Rows already queued are left to the queue: FTS5 does not refuse a rowid it already holds.
  db.exec(`
    INSERT INTO ${t} (rowid, body) SELECT pk, ${f}(body) FROM messages
      WHERE tenant_id = ${id} AND body IS NOT NULL AND pk NOT IN (SELECT pk FROM ${q});
    INSERT INTO ${g} (rowid, body) SELECT pk, ${f}(body) FROM messages
      WHERE tenant_id = ${id} AND body IS NOT NULL AND pk NOT IN (SELECT pk FROM ${q});
  `);
  return t;
}

/**
 * (Re)creates the triggers that keep a tenant's indexes in step with `messages`: a new or edited
 * live body is queued (`SEARCH_QUEUE_TABLE`), an edited, tombstoned or deleted one leaves the
 * indexes at once (so a search never finds words a message no longer has).
 */
export function installSearchTriggers(db: Database, tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId))
    throw new Error(`not a tenant id: ${JSON.stringify(tenantId.slice(0, 60))}`);
  const t = searchTableOf(tenantId);
  const g = trigramTableOf(tenantId);
  const q = SEARCH_QUEUE_TABLE;
  // The id is a validated slug: safe as an SQL string literal (triggers cannot take parameters).
  const id = `'${tenantId}'`;
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${q} (pk INTEGER PRIMARY KEY);
    DROP TRIGGER IF EXISTS ${t}_insert;
    DROP TRIGGER IF EXISTS ${t}_delete;
    DROP TRIGGER IF EXISTS ${t}_update;
    CREATE TRIGGER ${t}_insert AFTER INSERT ON messages WHEN new.tenant_id = ${id} AND new.body IS NOT NULL BEGIN
      INSERT OR IGNORE INTO ${q} (pk) VALUES (new.pk);
    END;
    CREATE TRIGGER ${t}_delete AFTER DELETE ON messages WHEN old.tenant_id = ${id} BEGIN
      DELETE FROM ${t} WHERE rowid = old.pk;
      DELETE FROM ${g} WHERE rowid = old.pk;
      DELETE FROM ${q} WHERE pk = old.pk;
    END;
    CREATE TRIGGER ${t}_update AFTER UPDATE OF body ON messages WHEN new.tenant_id = ${id} BEGIN
      DELETE FROM ${t} WHERE rowid = old.pk;
      DELETE FROM ${g} WHERE rowid = old.pk;
      DELETE FROM ${q} WHERE pk = old.pk AND new.body IS NULL;
      INSERT OR IGNORE INTO ${q} (pk) SELECT new.pk WHERE new.body IS NOT NULL;
    END;
  `);
}

/** Drops a tenant's indexes and their triggers (a migration rebuilds them). */
export function dropTenantSearchIndex(db: Database, tenantId: string): void {
  const t = searchTableOf(tenantId);
  db.exec(`
    DROP TRIGGER IF EXISTS ${t}_insert;
    DROP TRIGGER IF EXISTS ${t}_delete;
    DROP TRIGGER IF EXISTS ${t}_update;
    DROP TABLE IF EXISTS ${t};
    DROP TABLE IF EXISTS ${trigramTableOf(tenantId)};
  `);
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
