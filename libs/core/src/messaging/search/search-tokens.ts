import { UNSEGMENTED } from './search-text';
import { SearchTerm } from './search-query';

/** Longest word prefix kept as a token; longer query words are checked on the text. */
export const MAX_PREFIX = 12;
const MAX_TOKENS = 4000;
const WORD =
  /[\p{L}\p{N}\p{M}\p{Co}]+|(?:\p{Extended_Pictographic}|\p{Regional_Indicator})(?:\u200d|\ufe0f|\p{Emoji_Modifier}|\p{Extended_Pictographic}|\p{Regional_Indicator})*/gu;
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Runs of one kind: unsegmented (CJK, Thai, emoji) apart from spaced words. */
function runs(folded: string): { text: string; unsegmented: boolean }[] {
  const out: { text: string; unsegmented: boolean }[] = [];
  for (const word of folded.match(WORD) ?? []) {
    let current = '';
    let kind: boolean | null = null;
    for (const { segment } of segmenter.segment(word)) {
      const u = UNSEGMENTED.test(segment);
      if (kind !== null && u !== kind) {
        out.push({ text: current, unsegmented: kind });
        current = '';
      }
      kind = u;
      current += segment;
    }
    if (kind !== null && current) out.push({ text: current, unsegmented: kind });
  }
  return out;
}

const units = (text: string): string[] => [...segmenter.segment(text)].map((s) => s.segment);

const prefixOf = (word: string, n: number): string => [...word].slice(0, n).join('');

function grams(text: string): string[] {
  const u = units(text);
  if (u.length === 1) return [`1:${u[0]}`];
  const out: string[] = [];
  for (let i = 0; i + 1 < u.length; i++) out.push(`2:${u[i]}${u[i + 1]}`);
  return out;
}

/**
 * Index tokens of folded text, for stores that match by token (MongoDB): every prefix (up to
 * MAX_PREFIX) of every spaced word, and the single units and pairs of units of unsegmented
 * runs. Capped in number.
 */
export function searchTokens(folded: string): string[] {
  const tokens = new Set<string>();
  for (const run of runs(folded)) {
    if (run.unsegmented) {
      const u = units(run.text);
      for (let i = 0; i < u.length; i++) {
        tokens.add(`1:${u[i]}`);
        if (i + 1 < u.length) tokens.add(`2:${u[i]}${u[i + 1]}`);
      }
    } else {
      const cps = [...run.text];
      for (let n = 1; n <= Math.min(cps.length, MAX_PREFIX); n++)
        tokens.add(`w:${cps.slice(0, n).join('')}`);
    }
    if (tokens.size >= MAX_TOKENS) break;
  }
  return [...tokens].slice(0, MAX_TOKENS);
}

/**
 * Tokens a message must hold to possibly match the terms (a necessary condition: the text is
 * checked afterwards).
 */
export function requiredTokens(terms: readonly SearchTerm[]): string[] {
  const out = new Set<string>();
  const add = (text: string, anywhere: boolean) => {
    runs(text).forEach((run, i) => {
      if (run.unsegmented) for (const g of grams(run.text)) out.add(g);
      // A substring may begin inside a word of the text ("שלום" in "caféשלום"): its first
      // spaced run is then no word's prefix, so only the runs after it are required.
      else if (!(anywhere && i === 0)) out.add(`w:${prefixOf(run.text, MAX_PREFIX)}`);
    });
  };
  for (const t of terms) {
    if (t.kind === 'phrase') t.words.forEach((w) => add(w, false));
    else add(t.text, t.kind === 'substring');
  }
  return [...out];
}
