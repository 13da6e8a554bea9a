import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEmoji, isSingleEmoji } from './emoji';

const ONE_EMOJI = [
  '👍',
  '❤️',
  '❤', // without its presentation selector
  '1️⃣', // keycap
  '#️⃣',
  '*️⃣',
  '🇺🇸', // flag
  '🇯🇵',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿', // subdivision flag (tag sequence)
  '👍🏽', // skin tone
  '🧑🏽‍🚀', // skin tone + ZWJ
  '👨‍👩‍👧', // ZWJ family
  '👩🏽‍❤️‍💋‍👨🏿', // long ZWJ sequence, 10 code points
  '🏳️‍🌈',
  '👨‍💻',
  '🫠',
  '©️',
];

const NOT_ONE_EMOJI = [
  '',
  '👍👍👍',
  '👍👍',
  '🇺🇸🇫🇷', // two flags
  '🇺', // a lone regional indicator
  '1', // a digit is not a keycap
  '1⃣', // keycap without the selector
  '#',
  'a',
  'abc',
  ':+1:',
  '<script>',
  '\u200d',
  '\ufe0f',
  '👍 ',
  ' 👍',
  '👍a',
  'x'.repeat(100),
  '👍'.repeat(100),
  '\u0000',
  '\ud83d', // lone surrogate
];

describe('isSingleEmoji', () => {
  it.each(ONE_EMOJI)('accepts %s', (e) => {
    expect(isSingleEmoji(e)).toBe(true);
    expect(checkEmoji(e)).toBe(e);
  });

  it.each(NOT_ONE_EMOJI.map((e) => [JSON.stringify(e), e]))('refuses %s', (_, e) => {
    expect(isSingleEmoji(e)).toBe(false);
    expect(() => checkEmoji(e)).toThrow('reaction must be a single emoji');
  });

  it('names the field it checks', () => {
    expect(() => checkEmoji('ab', 'statusEmoji')).toThrow('statusEmoji must be a single emoji');
  });

  it('refuses any two emoji in a row, and text around an emoji', () => {
    const emoji = fc.constantFrom(...ONE_EMOJI);
    fc.assert(
      fc.property(emoji, emoji, (a, b) => {
        expect(isSingleEmoji(a + b)).toBe(false);
      }),
    );
    fc.assert(
      fc.property(
        emoji,
        fc
          .string({ minLength: 1, maxLength: 4 })
          .filter((s) => !isSingleEmoji(s) && s !== '\ufe0f'),
        (e, text) => {
          expect(isSingleEmoji(text + e)).toBe(false);
          expect(isSingleEmoji(e + text)).toBe(false);
        },
      ),
    );
  });

  it('never throws anything but a validation error on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (s) => {
        const single = isSingleEmoji(s);
        if (single) expect([...new Intl.Segmenter().segment(s)]).toHaveLength(1);
        else expect(() => checkEmoji(s)).toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
