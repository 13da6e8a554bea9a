import { foldForSearch, UNSEGMENTED } from './search-text';

/**
 * One required part of a query, folded. A `word` matches words that start with it (prefix
 * matching: `fo` finds `fox`); a `phrase` of words matches those words in that order (quoted
 * input); a `substring` (CJK, Thai, emoji…, scripts without spaces) matches anywhere.
 */
export type SearchTerm =
  | { kind: 'word'; text: string }
  | { kind: 'phrase'; words: string[] }
  | { kind: 'substring'; text: string };

export const MAX_SEARCH_TERMS = 16;

/** Letters, numbers, marks, private use, and emoji: what a term is made of. */
const PIECE =
  /(?:[\p{L}\p{N}\p{M}\p{Co}]|\p{Extended_Pictographic}|\p{Regional_Indicator}|\u200d|\ufe0f|\p{Emoji_Modifier})+/gu;

const pieces = (text: string): string[] => foldForSearch(text).match(PIECE) ?? [];

/**
 * Parses user input: quoted parts are phrases, the rest terms; everything else (operators,
 * stars, colons, stray quotes) is plain text that separates terms. Every term is required.
 */
export function parseSearchQuery(input: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const parts = input.normalize('NFKC').split('"');
  // Segments at odd positions were inside quotes; an unclosed quote leaves a plain tail.
  const closed = parts.length % 2 === 1 ? parts.length : parts.length - 1;
  parts.forEach((part, i) => {
    const quoted = i % 2 === 1 && i < closed;
    const words = pieces(part);
    if (words.length === 0) return;
    if (quoted && words.length > 1) {
      if (words.some((w) => UNSEGMENTED.test(w))) {
        terms.push({ kind: 'substring', text: foldForSearch(part.trim()).replace(/\s+/gu, ' ') });
      } else {
        terms.push({ kind: 'phrase', words });
      }
      return;
    }
    for (const w of words) {
      terms.push(UNSEGMENTED.test(w) ? { kind: 'substring', text: w } : { kind: 'word', text: w });
    }
  });
  return terms.slice(0, MAX_SEARCH_TERMS);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NOT_BEFORE = '(?<![\\p{L}\\p{N}\\p{M}\\p{Co}])';
const NOT_AFTER = '(?![\\p{L}\\p{N}\\p{M}\\p{Co}])';

/** A global regular expression finding the term in folded text (a word: the whole word it starts). */
export function termPattern(term: SearchTerm): RegExp {
  switch (term.kind) {
    case 'word':
      // The whole word it starts, so a highlight covers `fox` for `fo`.
      return new RegExp(`${NOT_BEFORE}${escape(term.text)}[\\p{L}\\p{N}\\p{M}\\p{Co}]*`, 'gu');
    case 'phrase':
      return new RegExp(
        `${NOT_BEFORE}${term.words.map(escape).join('[^\\p{L}\\p{N}\\p{M}\\p{Co}]+')}${NOT_AFTER}`,
        'gu',
      );
    case 'substring':
      return new RegExp(escape(term.text), 'gu');
  }
}

/** Whether folded text holds every term. */
export function matchesAll(folded: string, terms: readonly SearchTerm[]): boolean {
  return terms.length > 0 && terms.every((t) => termPattern(t).test(folded));
}

/**
 * A relevance score for stores without a ranking engine: occurrences of each term, damped by
 * the length of the text (as bm25 does), higher is better.
 */
export function relevance(folded: string, terms: readonly SearchTerm[]): number {
  let score = 0;
  for (const t of terms) score += Math.min(folded.match(termPattern(t))?.length ?? 0, 20);
  return score / (1 + Math.log(1 + [...folded].length / 20));
}

/** Query words as attachment file names are matched: letters, digits, marks, private use. */
const FILE_NAME_WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
/** Words of a query matched against file names (each somewhere in the name); at most this many. */
export const MAX_FILE_NAME_TERMS = 4;

/** The words of a query that a file name must all contain (NFKC, the first four). */
export function fileNameTerms(input: string): string[] {
  return (input.normalize('NFKC').match(FILE_NAME_WORD) ?? []).slice(0, MAX_FILE_NAME_TERMS);
}
