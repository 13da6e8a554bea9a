import { invalid } from './domain-error';

// Unicode's recommended-for-general-interchange emoji (single code points, keycaps like 1️⃣,
// flags, skin-tone modifier and ZWJ sequences). Built at run time: the `v` flag is newer than
// the compile target.
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Whether `value` is exactly one emoji grapheme cluster. A pictograph written without its
 * emoji presentation selector (`❤` for `❤️`) counts as the emoji it stands for.
 */
export function isSingleEmoji(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 32) return false;
  let clusters = 0;
  for (const segment of segmenter.segment(value)) {
    void segment;
    if (++clusters > 1) return false;
  }
  return RGI_EMOJI.test(value) || (!value.includes('\uFE0F') && RGI_EMOJI.test(`${value}\uFE0F`));
}

export function checkEmoji(value: string, field = 'emoji'): string {
  if (!isSingleEmoji(value)) {
    throw invalid(
      field,
      field === 'emoji' ? 'reaction must be a single emoji' : `${field} must be a single emoji`,
    );
  }
  return value;
}
