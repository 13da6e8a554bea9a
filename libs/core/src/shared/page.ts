import { invalid } from './domain-error';

/** Every list has a server-side cap. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageRequest {
  first: number;
  /** Opaque cursor returned by a previous page. */
  after: string | null;
}

export interface Page<T> {
  items: T[];
  /** Cursor of each item, same order. */
  cursors: string[];
  hasNextPage: boolean;
}

export function pageSize(requested: number | null | undefined, max = MAX_PAGE_SIZE): number {
  if (requested === null || requested === undefined) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(requested) || requested < 1 || requested > max) {
    throw invalid('first', `page size must be an integer from 1 to ${max}`);
  }
  return requested;
}

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    if (cursor.length > 512) throw new Error('too long');
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parts) &&
      parts.length === arity &&
      parts.every((p) => typeof p === 'string' || typeof p === 'number')
    ) {
      return parts as (string | number)[];
    }
  } catch {
    // fall through to the uniform error
  }
  throw invalid('after', 'malformed cursor');
}

/** Decodes a keyset cursor whose parts must have the given types (for store adapters). */
export function decodeKeyset<const T extends readonly ('string' | 'number')[]>(
  after: string,
  types: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  const parts = decodeCursor(after, types.length);
  if (parts.some((p, i) => typeof p !== types[i])) throw invalid('after', 'malformed cursor');
  return parts as { [K in keyof T]: T[K] extends 'number' ? number : string };
}

/** Builds a page from up to `first + 1` rows fetched in order (the extra row only signals more). */
export function toPage<R, T>(
  rows: R[],
  page: PageRequest,
  map: (row: R) => T,
  key: (row: R) => (string | number)[],
): Page<T> {
  const visible = rows.slice(0, page.first);
  return {
    items: visible.map(map),
    cursors: visible.map((r) => encodeCursor(key(r))),
    hasNextPage: rows.length > page.first,
  };
}
