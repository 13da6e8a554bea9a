/**
 * A tenant's word filter, compiled once per change of its word list.
 *
 * Matching rules (the README's "Word filter" section says the same for admins):
 * - Text and words are compared after folding each code point: compatibility decomposition
 *   (NFKD: full-width letters, ligatures), lower case, and with combining marks and invisible
 *   format characters (zero-width spaces and joiners, soft hyphens) removed. So `Bad`, `BÄD`,
 *   `ｂａｄ` and `b\u200Bad` all match `bad`.
 * - Any run of whitespace in the text matches one space of a phrase.
 * - Word boundaries: where a word starts (or ends) with a letter or digit of a script written with
 *   spaces, the text must not have a letter or digit right before (or after) the match, so `ass`
 *   does not match `class`. Where the word's first (or last) character belongs to a script
 *   written without spaces between words (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer,
 *   Myanmar, Tibetan), that side matches anywhere, because such text has no boundaries to find.
 * - At each position the longest word wins; matches do not overlap.
 *
 * Masking replaces every grapheme cluster (user-perceived character) that a match touches with
 * one `*`, so the masked text has as many graphemes as the original.
 */

interface TrieNode {
  readonly next: Map<string, TrieNode>;
  /** Set on a node that ends a word: which sides need a word boundary. */
  end: { start: boolean; end: boolean } | null;
}

/** A half-open range of UTF-16 code units of the original text. */
export interface TextRange {
  start: number;
  end: number;
}

const MARK_OR_FORMAT = /[\p{M}\p{Cf}]/gu;
const WHITESPACE = /^\s$/u;
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const UNSPACED_SCRIPT =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]$/u;

// Folding a non-ASCII code point is a few string operations: remembered, with a bounded size.
const FOLD_CACHE_MAX = 20_000;
const foldCache = new Map<number, string>();

function foldCodePoint(cp: number): string {
  if (cp < 0x80) {
    if (cp >= 0x41 && cp <= 0x5a) return String.fromCharCode(cp + 32);
    if (cp === 0x09 || cp === 0x0a || cp === 0x0b || cp === 0x0c || cp === 0x0d) return ' ';
    return String.fromCharCode(cp);
  }
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  const folded = WHITESPACE.test(ch)
    ? ' '
    : ch.normalize('NFKD').toLowerCase().normalize('NFKD').replace(MARK_OR_FORMAT, '');
  if (foldCache.size >= FOLD_CACHE_MAX) foldCache.clear();
  foldCache.set(cp, folded);
  return folded;
}

/** The folded text, and for each of its code units the original code point it came from. */
interface Folded {
  text: string;
  /** Start (code unit) of the original code point of each folded code unit. */
  from: number[];
  /** End (code unit) of the original code point of each folded code unit. */
  to: number[];
}

function foldWithOrigins(text: string): Folded {
  let out = '';
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const folded = foldCodePoint(cp);
    for (let k = 0; k < folded.length; k++) {
      from.push(i);
      to.push(i + width);
    }
    out += folded;
    i += width;
  }
  return { text: out, from, to };
}

/** The folded form of a word: whitespace runs become one space, ends trimmed. */
export function foldWord(word: string): string {
  let out = '';
  for (const ch of word) out += foldCodePoint(ch.codePointAt(0)!);
  return out.replace(/ +/g, ' ').trim();
}

const isWordCharAt = (text: string, index: number): boolean => {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80)
    return (
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x41 && code <= 0x5a)
    );
  // A low surrogate: look at the whole code point it ends.
  const start = code >= 0xdc00 && code <= 0xdfff && index > 0 ? index - 1 : index;
  const cp = text.codePointAt(start)!;
  return WORD_CHAR.test(String.fromCodePoint(cp));
};

const needsBoundary = (ch: string): boolean => WORD_CHAR.test(ch) && !UNSPACED_SCRIPT.test(ch);

export class WordFilter {
  private readonly root: TrieNode = { next: new Map(), end: null };
  /** The number of distinct folded words. */
  readonly size: number;

  private constructor(words: readonly string[]) {
    const seen = new Set<string>();
    for (const word of words) {
      const folded = foldWord(word);
      if (folded === '' || seen.has(folded)) continue;
      seen.add(folded);
      const chars = [...folded];
      let node = this.root;
      for (let i = 0; i < folded.length; i++) {
        const unit = folded[i];
        let child = node.next.get(unit);
        if (!child) {
          child = { next: new Map(), end: null };
          node.next.set(unit, child);
        }
        node = child;
      }
      node.end = {
        start: needsBoundary(chars[0]),
        end: needsBoundary(chars[chars.length - 1]),
      };
    }
    this.size = seen.size;
  }

  /** Compiles a word list (duplicates and words that fold to nothing are ignored). */
  static compile(words: readonly string[]): WordFilter {
    return new WordFilter(words);
  }

  /** Whether the text contains any of the words. */
  matches(text: string): boolean {
    if (this.size === 0) return false;
    return this.scan(foldWithOrigins(text), true).length > 0;
  }

  /** The ranges of the original text that the words match, in order, not overlapping. */
  find(text: string): TextRange[] {
    if (this.size === 0) return [];
    return this.scan(foldWithOrigins(text), false);
  }

  /** The text with each grapheme that a match touches replaced by one `*`. */
  mask(text: string): string {
    const ranges = this.find(text);
    if (ranges.length === 0) return text;
    // Random access to the graphemes around each match: iterating all of them costs ~10 µs each.
    const segments = graphemes().segment(text);
    let out = '';
    let pos = 0;
    for (const range of ranges) {
      const start = Math.max(pos, segments.containing(range.start)!.index);
      out += text.slice(pos, start);
      let i = start;
      while (i < range.end) {
        const grapheme = segments.containing(i)!;
        out += '*';
        i = grapheme.index + grapheme.segment.length;
      }
      pos = Math.max(pos, i);
    }
    return out + text.slice(pos);
  }

  private scan(folded: Folded, firstOnly: boolean): TextRange[] {
    const { text } = folded;
    const found: TextRange[] = [];
    for (let i = 0; i < text.length;) {
      const first = this.root.next.get(text[i]);
      if (!first) {
        i++;
        continue;
      }
      const wordBefore = isWordCharAt(text, i - 1);
      let node: TrieNode | undefined = first;
      let j = i;
      let best = -1;
      while (node) {
        // node matched text[j]; one space of a phrase matches a whole run of whitespace.
        if (text[j] === ' ') while (text[j + 1] === ' ') j++;
        if (
          node.end &&
          (!node.end.start || !wordBefore) &&
          (!node.end.end || !isWordCharAt(text, j + 1))
        )
          best = j;
        j++;
        if (j >= text.length) break;
        node = node.next.get(text[j]);
      }
      if (best < 0) {
        i++;
        continue;
      }
      found.push({ start: folded.from[i], end: folded.to[best] });
      if (firstOnly) return found;
      i = best + 1;
    }
    return merge(found);
  }
}

/** Ranges from neighbouring folded units of one code point can touch or repeat: merged. */
function merge(ranges: TextRange[]): TextRange[] {
  const out: TextRange[] = [];
  for (const range of ranges) {
    const last = out[out.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else out.push({ ...range });
  }
  return out;
}

let segmenter: Intl.Segmenter | null = null;
const graphemes = (): Intl.Segmenter =>
  (segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));

/** The number of graphemes (user-perceived characters) of a text. */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of graphemes().segment(text)) n++;
  return n;
}
