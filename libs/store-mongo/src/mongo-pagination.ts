import { Page, PageRequest, decodeCursor, encodeCursor, invalid } from '@chatter/core';

/** Decodes a keyset cursor whose parts must have the given types. */
export function decodeKeyset<const T extends readonly ('string' | 'number')[]>(
  after: string,
  types: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  const parts = decodeCursor(after, types.length);
  if (parts.some((p, i) => typeof p !== types[i])) throw invalid('after', 'malformed cursor');
  return parts as { [K in keyof T]: T[K] extends 'number' ? number : string };
}

/** Builds a page from up to `first + 1` documents fetched in order (the extra one only signals more). */
export function toPage<D, T>(
  docs: D[],
  page: PageRequest,
  map: (doc: D) => T,
  key: (doc: D) => (string | number)[],
): Page<T> {
  const visible = docs.slice(0, page.first);
  return {
    items: visible.map(map),
    cursors: visible.map((d) => encodeCursor(key(d))),
    hasNextPage: docs.length > page.first,
  };
}

/** Mongo treats `limit(0)` as "no limit"; callers asking for nothing get nothing. */
export const hasRoom = (limit: number): boolean => Number.isFinite(limit) && limit >= 1;

/** The instant of a cursor part; a number that is no valid date makes the cursor malformed. */
export function cursorDate(ms: number): Date {
  const at = new Date(ms);
  if (Number.isNaN(at.getTime())) throw invalid('after', 'malformed cursor');
  return at;
}
