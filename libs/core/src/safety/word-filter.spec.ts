import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphemeLength, WordFilter } from './word-filter';

const filter = (...words: string[]) => WordFilter.compile(words);

describe('WordFilter', () => {
  it('matches whole words, ignoring case and accents', () => {
    const f = filter('bad', 'très mal');
    expect(f.mask('This is Bad.')).toBe('This is ***.');
    expect(f.mask('BÄD news')).toBe('*** news');
    expect(f.mask('badge and abad stay')).toBe('badge and abad stay');
    expect(f.mask('c’est TRES   MAL!')).toBe('c’est **********!');
    expect(f.matches('bad')).toBe(true);
    expect(f.matches('nothing here')).toBe(false);
  });

  it('sees through full-width letters, ligatures and zero-width characters', () => {
    const f = filter('bad', 'fine');
    expect(f.mask('ｂａｄ')).toBe('***');
    expect(f.mask('b\u200Bad!')).toBe('****!');
    expect(f.mask('ﬁne')).toBe('***');
  });

  it('keeps combining marks inside the masked graphemes', () => {
    const decomposed = 'cafe\u0301 ok';
    expect(filter('café').mask(decomposed)).toBe('**** ok');
    expect(filter('cafe').mask('café ok')).toBe('**** ok');
  });

  it('finds words of scripts without spaces inside longer text', () => {
    expect(filter('馬鹿').mask('お前は馬鹿だ')).toBe('お前は**だ');
    expect(filter('ควาย').mask('แกมันควายจริงๆ')).toBe('แกมัน****จริงๆ');
    expect(filter('바보').mask('너는바보야')).toBe('너는**야');
  });

  it('keeps emoji and other scripts around a match intact', () => {
    expect(filter('spam').mask('👍🏽spam👨‍👩‍👧 مرحبا')).toBe('👍🏽****👨‍👩‍👧 مرحبا');
    expect(filter('привет').mask('Привет, мир')).toBe('******, мир');
  });

  it('prefers the longest word at a position', () => {
    expect(filter('bad', 'bad word').mask('a bad word here')).toBe('a ******** here');
  });

  it('treats regular-expression and replacement syntax as plain text', () => {
    const f = filter('a.b', '$&', '(x)');
    expect(f.mask('a.b axb')).toBe('*** axb');
    expect(f.mask('x $& y')).toBe('x ** y');
    expect(f.mask('(x) x')).toBe('*** x');
  });

  it('property: masking keeps the length in graphemes and never throws', () => {
    const words = fc.array(
      fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('bad', 'é', '馬鹿')),
      { maxLength: 8 },
    );
    const texts = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc
        .array(
          fc.constantFrom('bad', ' ', 'É', '\u0301', '👍🏽', '馬鹿', '$&', '\u200B', 'a', '\n'),
          {
            maxLength: 20,
          },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(words, texts, (ws, text) => {
        const masked = WordFilter.compile(ws).mask(text);
        expect(graphemeLength(masked)).toBe(graphemeLength(text));
      }),
      { numRuns: 500 },
    );
  });

  it('property: text that matches no word comes back unchanged, `$&` patterns included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 80 }).map((s) => `$&${s}$1$\``),
        (text) => {
          const f = filter('zzqqzz');
          fc.pre(!f.matches(text));
          expect(f.mask(text)).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a word placed between spaces is always found and masked', () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 })
          .filter((w) => /^[a-z]+$/.test(w)),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        (word, around) => {
          const text = `${around} ${word.toUpperCase()} ${around}`;
          const f = filter(word);
          expect(f.matches(text)).toBe(true);
          expect(f.mask(text)).toContain(` ${'*'.repeat(word.length)} `);
        },
      ),
      { numRuns: 300 },
    );
  });
});
