import fc from 'fast-check';

/** Pieces of text that break naive handling: replacement patterns, JSON and JS line terminators, bidi and joiners. */
export const HOSTILE_TEXT_PIECES = [
  '$&',
  '$`',
  "$'",
  '$$',
  '$$5',
  '$1',
  '$<name>',
  '$',
  '\u2028',
  '\u2029',
  '\u200e', // LEFT-TO-RIGHT MARK
  '\u200f', // RIGHT-TO-LEFT MARK
  '\u202e', // RIGHT-TO-LEFT OVERRIDE
  '\u2066', // LEFT-TO-RIGHT ISOLATE
  '\u061c', // ARABIC LETTER MARK
  'שלום',
  'مرحبا',
  '"',
  '\\',
  '\\u0000',
  '\\"',
  '"}',
  '"},{"',
  'e\u0301', // combining acute
  '\u0301',
  'Z\u0351\u0360\u0361\u0489',
  '👍🏽',
  '👨‍👩‍👧',
  '🏳️‍🌈',
  '𝕏',
  '\ud83d\ude00',
  '\u00a0',
  '\ufeff',
  '\u200b',
  '</script>',
  '<b>&amp;</b>',
  '__chatter_raw_payload__',
  '\\u0000chatter:shared-payload',
];

/**
 * Text a user may send: any Unicode a client can put in JSON (astral, combining, RTL, quotes,
 * backslashes, U+2028/U+2029, `$` patterns) without control characters other than tab and
 * newline and without lone surrogates (those the API refuses: see `refusedText`).
 */
export function userText(
  options: {
    minLength?: number;
    maxPieces?: number;
    singleLine?: boolean;
    maxCodePoints?: number;
  } = {},
): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TEXT_PIECES) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constantFrom('\n', '\t', ' ') },
  );
  const min = options.minLength ?? 1;
  return fc
    .array(piece, { minLength: 1, maxLength: options.maxPieces ?? 8 })
    .map((parts) => parts.join(''))
    .map((text) => (options.singleLine ? text.replace(/[\n\t]/g, ' ') : text))
    .map((text) => text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '·')) // eslint-disable-line no-control-regex -- the API refuses these
    .map((text) =>
      options.maxCodePoints === undefined
        ? text
        : [...text].slice(0, options.maxCodePoints).join(''),
    )
    .filter((text) => text.trim().length >= min && !hasLoneSurrogate(text));
}

/** Text the API refuses with INVALID_INPUT: a lone surrogate or a control character somewhere in otherwise fine text. */
export function refusedText(): fc.Arbitrary<string> {
  const bad = fc.oneof(
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f'),
  );
  return fc
    .tuple(fc.string({ maxLength: 4 }), bad, fc.string({ maxLength: 4 }))
    .map(([a, b, c]) => `x${a}${b}${c}`)
    .filter(hasRefusedCharacter);
}

function hasRefusedCharacter(text: string): boolean {
  return hasLoneSurrogate(text) || /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.test(text); // eslint-disable-line no-control-regex -- the point
}

export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
