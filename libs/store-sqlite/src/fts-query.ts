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
