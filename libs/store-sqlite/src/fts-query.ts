/** Characters the unicode61 tokenizer keeps inside tokens (letters, numbers, marks, private use). */
const TERM = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const MAX_TERMS = 16;

/**
 * Turns user input into an FTS5 query of plain terms, all required: every term is quoted, so
 * operators (AND, OR, NOT, NEAR), column filters, prefixes, parentheses and stray quotes are
 * just text. Returns null when nothing searchable remains.
 */
export function toFtsQuery(input: string): string | null {
  const terms = input.normalize('NFKC').match(TERM);
  if (!terms) return null;
  return terms
    .slice(0, MAX_TERMS)
    .map((t) => `"${t}"`)
    .join(' ');
}

/**
 * LIKE patterns (escape `\\`) for finding messages by an attachment's file name: the first four
 * terms of the query, each somewhere in the name (case-insensitive for ASCII); unused slots
 * match anything. Always four patterns, so one prepared statement serves every query.
 */
export function fileNameTerms(input: string): [string, string, string, string] {
  const terms = (input.normalize('NFKC').match(TERM) ?? []).slice(0, 4);
  const patterns = terms.map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  while (patterns.length < 4) patterns.push('%');
  return patterns as [string, string, string, string];
}
