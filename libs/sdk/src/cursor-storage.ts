/** Per-conversation cursors: the highest seq the application has handled in each conversation. */
export type Cursors = Record<string, number>;

/**
 * Where the SDK keeps its cursors between runs. `save` receives the whole map each time (it is
 * small: one number per conversation) after the application's handler for an event returned.
 */
export interface CursorStorage {
  load(): Cursors | Promise<Cursors>;
  save(cursors: Cursors): void | Promise<void>;
}

/** Keeps cursors for the life of the process only. */
export class MemoryCursorStorage implements CursorStorage {
  private cursors: Cursors;
  constructor(initial: Cursors = {}) {
    this.cursors = { ...initial };
  }
  load(): Cursors {
    return { ...this.cursors };
  }
  save(cursors: Cursors): void {
    this.cursors = { ...cursors };
  }
}

/** The subset of the Web Storage API the SDK uses (window.localStorage fits). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Keeps cursors in `localStorage` (or any Web Storage) under one key. */
export class LocalStorageCursorStorage implements CursorStorage {
  constructor(
    private readonly key = 'chatter.cursors',
    private readonly store: KeyValueStore = (globalThis as { localStorage?: KeyValueStore })
      .localStorage as KeyValueStore,
  ) {
    if (!store) throw new Error('LocalStorageCursorStorage: no localStorage in this environment');
  }
  load(): Cursors {
    return parseCursors(this.store.getItem(this.key));
  }
  save(cursors: Cursors): void {
    this.store.setItem(this.key, JSON.stringify(cursors));
  }
}

/** Reads a stored cursor map, keeping only well-formed entries (storage can be edited or torn). */
export function parseCursors(text: string | null | undefined): Cursors {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  const out: Cursors = {};
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [id, seq] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) out[id] = seq;
    }
  }
  return out;
}
