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
