import { fileNameTerms, MAX_FILE_NAME_TERMS, parseSearchQuery, SearchTerm } from '@chatter/core';

/** Shortest substring the trigram index answers; shorter ones are matched on the body. */
const TRIGRAM = 3;

const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * A user's query as SQLite runs it: a word-index expression (each word a prefix query, each
 * quoted phrase an exact phrase), a trigram-index expression (substrings of 3+ characters) and
 * short substrings checked on the body. Every term is quoted, so FTS5 operators, column filters,
 * stars and parentheses in the input are plain text. Null when nothing searchable remains.
 */
export interface FtsQuery {
  words: string | null;
  trigrams: string | null;
  short: string[];
  terms: SearchTerm[];
}

export function toFtsQuery(input: string): FtsQuery | null {
  const terms = parseSearchQuery(input);
  if (terms.length === 0) return null;
  const words: string[] = [];
  const trigrams: string[] = [];
  const short: string[] = [];
  for (const term of terms) {
    switch (term.kind) {
      case 'word':
        words.push(`${quote(term.text)} *`);
        break;
      case 'phrase':
        words.push(quote(term.words.join(' ')));
        break;
      case 'substring':
        if ([...term.text].length >= TRIGRAM) trigrams.push(quote(term.text));
        else short.push(term.text);
        break;
    }
  }
  return {
    words: words.length > 0 ? words.join(' AND ') : null,
    trigrams: trigrams.length > 0 ? trigrams.join(' AND ') : null,
    short,
    terms,
  };
}

/**
 * LIKE patterns (escape `\\`) for finding messages by an attachment's file name: the query's file
 * name terms (`fileNameTerms`), each somewhere in the name (case-insensitive for ASCII); unused
 * slots match anything. Always four patterns, so one prepared statement serves every query.
 */
export function fileNameLikePatterns(input: string): [string, string, string, string] {
  const patterns = fileNameTerms(input).map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  while (patterns.length < MAX_FILE_NAME_TERMS) patterns.push('%');
  return patterns as [string, string, string, string];
}
