import { invalid } from '../../shared/domain-error';

// One emoji (possibly a ZWJ sequence, with skin tones or variation selectors, or a flag).
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200D|\uFE0F|\u20E3)+$/u;
const HAS_PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

export function checkEmoji(value: string): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > 32 ||
    !EMOJI.test(value) ||
    !HAS_PICTOGRAPH.test(value)
  ) {
    throw invalid('emoji', 'reaction must be a single emoji');
  }
  return value;
}
