/**
 * Search folding, the same for every store and for highlighting: compatibility forms become
 * plain ones (NFKC: full-width `Ａ` is `a`, `ﬁ` is `fi`), case is dropped, and diacritics of
 * alphabets that write them as optional marks (Latin, Greek, Cyrillic accents, Hebrew points,
 * Arabic vowel marks) are removed, so `cafe` finds `Café` and `Ｔｏｋｙｏ` finds `tokyo`. Marks
 * that are letters of their script (Thai vowels, Devanagari signs, kana voicing) are kept.
 * Folding goes code point by code point, so every folded unit maps back to its source.
 */
// Skin-tone modifiers and the emoji presentation selector are folded away too (`👍🏽` finds `👍`).
const OPTIONAL_MARKS =
  // eslint-disable-next-line no-misleading-character-class -- a class of lone marks and modifiers, matched one code point at a time
  /[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20df\ufe20-\ufe2f\ufe0f\u{1f3fb}-\u{1f3ff}]/gu;

const cache = new Map<string, string>();

function foldCodePoint(cp: string): string {
  const hit = cache.get(cp);
  if (hit !== undefined) return hit;
  let out = cp
    .toLowerCase()
    .normalize('NFKD')
    .replace(OPTIONAL_MARKS, '')
    .normalize('NFC')
    .toLowerCase();
  if (out === 'ς') out = 'σ'; // Greek final sigma
  if (cache.size < 50_000) cache.set(cp, out);
  return out;
}

/** The folded form of `text` (see above). */
export function foldForSearch(text: string): string {
  let out = '';
  for (const cp of text) out += foldCodePoint(cp);
  return out;
}

/**
 * The folded form with, for each UTF-16 unit of it, the index in `text` of the code point it
 * came from, and that code point's end (so a match maps back to a range of the original).
 */
export function foldWithOrigins(text: string): {
  folded: string;
  starts: number[];
  ends: number[];
} {
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const cp of text) {
    const f = foldCodePoint(cp);
    for (let k = 0; k < f.length; k++) {
      starts.push(i);
      ends.push(i + cp.length);
    }
    folded += f;
    i += cp.length;
  }
  return { folded, starts, ends };
}

/** Scripts written without spaces between words: searched by substring, not by word. */
export const UNSEGMENTED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
