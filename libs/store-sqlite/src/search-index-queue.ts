import type { Database, Statement } from 'better-sqlite3';
import {
  FOLD_FUNCTION,
  SEARCH_QUEUE_TABLE,
  indexedTenants,
  searchTableOf,
  trigramTableOf,
} from './tenant-search-index';

export interface SearchIndexQueueOptions {
  /** How long a queued body may wait for the next batch (ms). */
  delayMs?: number;
  /** Bodies indexed per transaction. */
  batchSize?: number;
}

/**
 * Indexes the bodies the triggers queued (`SEARCH_QUEUE_TABLE`), a batch per transaction: after
 * a short delay once something is queued, at once when a search is about to read, and when the
 * store closes. Every connection may drain the queue; the queue itself is durable.
 */
export class SearchIndexQueue {
  private readonly delayMs: number;
  private readonly batchSize: number;
  private readonly head: Statement<[number], { pk: number }>;
  private readonly tail: Statement<[], { pk: number | null }>;
  private readonly tenantsIn: Statement<[number], { tenant_id: string }>;
  private readonly clear: Statement<[number]>;
  private readonly inserts = new Map<
    string,
    [Statement<[string, number]>, Statement<[string, number]>]
  >();
  private readonly drainBatch: () => number;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: Database,
    options: SearchIndexQueueOptions = {},
  ) {
    this.delayMs = Math.max(0, options.delayMs ?? 50);
    this.batchSize = Math.max(1, Math.trunc(options.batchSize ?? 500));
    // The table is made by migration 44 (and by the triggers' installation), before any store opens.
    const q = SEARCH_QUEUE_TABLE;
    // The pk of the batch's last row: the batch is every queued pk up to it.
    this.head = db.prepare(`SELECT pk FROM ${q} ORDER BY pk LIMIT 1 OFFSET ?`);
    this.tail = db.prepare(`SELECT max(pk) AS pk FROM ${q}`);
    this.tenantsIn = db.prepare(
      `SELECT DISTINCT m.tenant_id FROM ${q} p CROSS JOIN messages m ON m.pk = p.pk WHERE p.pk <= ?`,
    );
    this.clear = db.prepare(`DELETE FROM ${q} WHERE pk <= ?`);
    this.drainBatch = db.transaction((): number => {
      const last = this.head.get(this.batchSize - 1)?.pk ?? this.tail.get()!.pk;
      if (last === null) return 0;
      const known = indexedTenants(db);
      for (const { tenant_id } of this.tenantsIn.all(last)) {
        // Only a tenant with an index has the triggers that queue its rows; never guess.
        if (!known.has(tenant_id)) continue;
        for (const insert of this.insertsFor(tenant_id)) insert.run(tenant_id, last);
      }
      return this.clear.run(last).changes;
    }).immediate;
  }

  /** Something was queued: index it within `delayMs`. */
  schedule(delayMs = this.delayMs): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.drain();
      } catch (error) {
        // Another connection holding the write lock past the busy timeout: the rows stay queued.
        process.emitWarning(`search indexing postponed: ${(error as Error).message}`);
        this.schedule(Math.max(1000, this.delayMs));
      }
    }, delayMs);
    this.timer.unref();
  }

  /**
   * Indexes everything queued, one batch per transaction. An empty queue takes no write lock
   * (every search calls this).
   */
  drain(): void {
    if (!this.db.open || this.head.get(0) === undefined) return;
    while (this.drainBatch() >= this.batchSize);
  }

  /** Indexes what is queued and stops the timer (the store is closing). */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.drain();
  }

  private insertsFor(tenantId: string) {
    let pair = this.inserts.get(tenantId);
    if (!pair) {
      const into = (table: string) =>
        this.db.prepare<[string, number]>(
          `INSERT INTO ${table} (rowid, body)
             SELECT m.pk, ${FOLD_FUNCTION}(m.body) FROM ${SEARCH_QUEUE_TABLE} p CROSS JOIN messages m ON m.pk = p.pk
             WHERE m.tenant_id = ? AND p.pk <= ? AND m.body IS NOT NULL`,
        );
      pair = [into(searchTableOf(tenantId)), into(trigramTableOf(tenantId))];
      this.inserts.set(tenantId, pair);
    }
    return pair;
  }
}
