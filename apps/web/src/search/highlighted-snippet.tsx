// A search result's snippet with what matched marked. Text only: React escapes it, so a body
// holding markup shows as the characters it is.
import { Fragment } from 'react';

export interface Snippet {
  text: string;
  highlights: readonly { start: number; end: number }[];
}

/** The snippet split into plain and matched pieces (ranges clamped, sorted, never overlapping). */
export function snippetPieces(snippet: Snippet): { text: string; match: boolean }[] {
  const pieces: { text: string; match: boolean }[] = [];
  let at = 0;
  const ranges = [...snippet.highlights].sort((a, b) => a.start - b.start);
  for (const r of ranges) {
    const start = Math.max(at, Math.min(r.start, snippet.text.length));
    const end = Math.max(start, Math.min(r.end, snippet.text.length));
    if (start > at) pieces.push({ text: snippet.text.slice(at, start), match: false });
    if (end > start) pieces.push({ text: snippet.text.slice(start, end), match: true });
    at = end;
  }
  if (at < snippet.text.length) pieces.push({ text: snippet.text.slice(at), match: false });
  return pieces;
}

export function HighlightedSnippet({
  snippet,
  fallback,
}: {
  snippet: Snippet | null | undefined;
  fallback: string;
}) {
  if (!snippet) return <>{fallback}</>;
  return (
    <>
      {snippetPieces(snippet).map((p, i) =>
        p.match ? (
          <mark key={i} className="search-result__match">
            {p.text}
          </mark>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}

/** Whether a query is worth sending: two characters, or one of a script written without spaces. */
export const isSearchable = (query: string): boolean =>
  [...query].length >= 2 ||
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Extended_Pictographic}]/u.test(
    query,
  );
