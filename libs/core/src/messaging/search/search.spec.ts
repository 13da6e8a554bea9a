import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldForSearch,
  matchesAll,
  MAX_SEARCH_TERMS,
  parseSearchQuery,
  requiredTokens,
  searchSnippet,
  searchTokens,
} from './index';

const PIECES = [
  'Café',
  'quick',
  'brown',
  'ＦＵＬＬ',
  'Привет',
  'Ὀδυσσεύς',
  'مَرْحَبًا',
  'שָׁלוֹם',
  '東京',
  'で',
  'ｶﾀｶﾅ',
  '서울에서',
  'สวัสดี',
  '👍🏽',
  '🎉',
  '🇯🇵',
  ' ',
  ', ',
  '"',
  '*',
  '(',
  'x',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((p) => p.join(''));

describe('search folding, queries, tokens and snippets', () => {
  it('folds case, accents, width and skin tones; keeps letters of unsegmented scripts', () => {
    expect(foldForSearch('Café ＦＵＬＬ Ὀδυσσεύς مَرْحَبًا שָׁלוֹם 👍🏽')).toBe(
      'cafe full οδυσσευσ مرحبا שלום 👍',
    );
    expect(foldForSearch('ｶﾀｶﾅ がぎ สวัสดี')).toBe('カタカナ がぎ สวัสดี');
    fc.assert(
      fc.property(text, (t) => {
        expect(foldForSearch(foldForSearch(t))).toBe(foldForSearch(t));
      }),
    );
  });

  it('parses words, phrases and substrings; syntax is plain text; never more than the cap', () => {
    expect(parseSearchQuery('"quick brown" fo* 東京 (🎉) body:x')).toEqual([
      { kind: 'phrase', words: ['quick', 'brown'] },
      { kind: 'word', text: 'fo' },
      { kind: 'substring', text: '東京' },
      { kind: 'substring', text: '🎉' },
      { kind: 'word', text: 'body' },
      { kind: 'word', text: 'x' },
    ]);
    expect(parseSearchQuery('"unclosed phrase')).toEqual([
      { kind: 'word', text: 'unclosed' },
      { kind: 'word', text: 'phrase' },
    ]);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (q) => {
        expect(parseSearchQuery(q).length).toBeLessThanOrEqual(MAX_SEARCH_TERMS);
      }),
    );
  });

  it('token filtering never loses a match (what a query needs, a matching text has)', () => {
    fc.assert(
      fc.property(text, text, (body, query) => {
        const terms = parseSearchQuery(query);
        const folded = foldForSearch(body);
        if (!matchesAll(folded, terms)) return;
        const have = new Set(searchTokens(folded));
        for (const token of requiredTokens(terms)) expect(have, token).toContain(token);
      }),
      { numRuns: 500 },
    );
    // A substring that starts inside a word of another script (found by the property above).
    const mixed = foldForSearch('Caféשָׁלוֹםｶﾀｶﾅ');
    const inside = parseSearchQuery('שָׁלוֹםｶﾀｶﾅ');
    expect(matchesAll(mixed, inside)).toBe(true);
    expect(requiredTokens(inside).every((t) => searchTokens(mixed).includes(t))).toBe(true);
    // Every word of a text finds it by its prefixes; every piece of CJK by substring.
    for (const q of ['caf', 'café', 'ПРИВ', '京', '東京', 'ｶﾀ', '👍']) {
      const terms = parseSearchQuery(q);
      const folded = foldForSearch('Café Привет 東京 カタカナ 👍🏽');
      expect(matchesAll(folded, terms), q).toBe(true);
      const have = new Set(searchTokens(folded));
      expect(
        requiredTokens(terms).every((t) => have.has(t)),
        q,
      ).toBe(true);
    }
  });

  it('snippets highlight the original text, within bounds, around the first match', () => {
    const snippet = searchSnippet('Meet at the CAFÉ, then 東京で', parseSearchQuery('cafe 東京'));
    expect(snippet.highlights.map((h) => snippet.text.slice(h.start, h.end))).toEqual([
      'CAFÉ',
      '東京',
    ]);
    const long = `${'filler '.repeat(60)}the needle here ${'tail '.repeat(60)}`;
    const cut = searchSnippet(long, parseSearchQuery('needle'), 80);
    expect(cut.text.startsWith('…') && cut.text.endsWith('…')).toBe(true);
    expect(cut.highlights.map((h) => cut.text.slice(h.start, h.end))).toEqual(['needle']);
    fc.assert(
      fc.property(text, text, (body, query) => {
        const s = searchSnippet(body, parseSearchQuery(query), 20);
        let last = 0;
        for (const h of s.highlights) {
          expect(h.start).toBeGreaterThanOrEqual(last);
          expect(h.end).toBeGreaterThan(h.start);
          expect(h.end).toBeLessThanOrEqual(s.text.length);
          last = h.end;
        }
      }),
    );
  });
});
