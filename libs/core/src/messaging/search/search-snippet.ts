import { SearchTerm, termPattern } from './search-query';
import { foldWithOrigins } from './search-text';

export interface SearchSnippet {
  /** A window of the message body around the first match (with … where it was cut). */
  text: string;
  /** Ranges of `text` (UTF-16 offsets, end exclusive) that matched, in order, not overlapping. */
  highlights: { start: number; end: number }[];
}

/**
 * The part of `body` to show for a search result, with what matched marked, computed on the
 * original text (accents, case and width as written) from matches in its folded form.
 */
export function searchSnippet(
  body: string,
  terms: readonly SearchTerm[],
  maxLength = 160,
): SearchSnippet {
  const { folded, starts, ends } = foldWithOrigins(body);
  const ranges: { start: number; end: number }[] = [];
  for (const term of terms) {
    for (const m of folded.matchAll(termPattern(term))) {
      if (m[0].length === 0) continue;
      const from = m.index;
      ranges.push({ start: starts[from]!, end: ends[from + m[0].length - 1]! });
    }
  }
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number }[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  if (body.length <= maxLength) return { text: body, highlights: merged };
  const first = merged[0]?.start ?? 0;
  let from = Math.max(0, first - Math.floor(maxLength / 3));
  let to = Math.min(body.length, from + maxLength);
  from = Math.max(0, to - maxLength);
  // Never cut a surrogate pair.
  if (from > 0 && /[\udc00-\udfff]/.test(body[from]!)) from--;
  if (to < body.length && /[\udc00-\udfff]/.test(body[to]!)) to++;
  const prefix = from > 0 ? '…' : '';
  const text = `${prefix}${body.slice(from, to)}${to < body.length ? '…' : ''}`;
  const highlights = merged
    .filter((r) => r.end > from && r.start < to)
    .map((r) => ({
      start: Math.max(r.start, from) - from + prefix.length,
      end: Math.min(r.end, to) - from + prefix.length,
    }));
  return { text, highlights };
}
