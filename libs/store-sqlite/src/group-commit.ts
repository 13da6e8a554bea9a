import type { Database } from 'better-sqlite3';

type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Pending<I, R> {
  input: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: writes submitted in the same turn of the event loop (concurrent requests
 * handled together) run in one write transaction, each in its own savepoint, so a commit — the
 * WAL write and its page images — is paid once per turn rather than once per write. A write
 * that throws rolls back to its savepoint and fails alone; the others commit. When the database
 * itself fails (the commit, or an error that ends the whole transaction), every write of the
 * batch fails with it and nothing of the batch is kept, as if each had failed on its own.
 *
 * `write` must be a better-sqlite3 transaction function (nested calls become savepoints); on its
 * own (a batch of one) it runs as its own transaction, exactly as without grouping.
 */
export class GroupCommit<I, R> {
  private batch: Pending<I, R>[] = [];
  private scheduled = false;
  private readonly outer: (run: () => void) => void;

  constructor(
    private readonly db: Database,
    private readonly write: (input: I) => R,
    private readonly options: { maxBatch?: number; committed?: (results: R[]) => void } = {},
  ) {
    this.outer = db.transaction((run: () => void) => run()).immediate;
  }

  submit(input: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.batch.push({ input, resolve, reject });
      if (this.batch.length >= (this.options.maxBatch ?? 64)) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Runs and settles what is waiting (also called when a batch is full). */
  readonly flush = (): void => {
    const items = this.batch;
    this.batch = [];
    this.scheduled = false;
    if (items.length === 0) return;
    if (!this.db.open) {
      const closed = new TypeError('The database connection is not open');
      for (const item of items) item.reject(closed);
      return;
    }
    const outcomes = this.run(items);
    const committed: R[] = [];
    items.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) {
        committed.push(outcome.value);
        item.resolve(outcome.value);
      } else item.reject(outcome.error);
    });
    if (committed.length > 0) this.options.committed?.(committed);
  };

  private run(items: Pending<I, R>[]): Outcome<R>[] {
    if (items.length === 1) {
      try {
        return [{ ok: true, value: this.write(items[0]!.input) }];
      } catch (error) {
        return [{ ok: false, error }];
      }
    }
    const outcomes: Outcome<R>[] = [];
    try {
      this.outer(() => {
        for (const item of items) {
          try {
            outcomes.push({ ok: true, value: this.write(item.input) });
          } catch (error) {
            // SQLite ended the whole transaction (I/O error, disk full…): the batch fails as one.
            if (!this.db.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      return items.map(() => ({ ok: false, error }));
    }
    return outcomes;
  }
}
