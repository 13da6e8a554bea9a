import { DomainError, invalid } from './domain-error';

// Control characters other than tab and newline (C0, DEL, C1) and lone surrogates are refused.
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Line breaks as Windows (`\r\n`) and old Mac (`\r`) write them become `\n`. */
export const normalizeLineBreaks = (text: string): string => text.replace(/\r\n?/g, '\n');

/**
 * Validates free text: trimmed length within bounds (in code points), no control characters.
 * Multiline text has its line breaks normalized first (`\r\n` and `\r` become `\n`). Text
 * that is only whitespace is refused with its own message (`details.reason: 'BLANK'`).
 * Returns the text verbatim (untrimmed) when `keepVerbatim`, else trimmed.
 */
export function checkText(
  field: string,
  value: string,
  opts: { min: number; max: number; multiline?: boolean; keepVerbatim?: boolean },
): string {
  if (typeof value !== 'string') throw invalid(field, `${field} must be a string`);
  if (opts.multiline) value = normalizeLineBreaks(value);
  if (FORBIDDEN.test(value)) throw invalid(field, `${field} contains control characters`);
  if (!opts.multiline && /[\n\t]/.test(value))
    throw invalid(field, `${field} must be a single line`);
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length === 0 && value.length > 0 && opts.min > 0) {
    throw new DomainError('VALIDATION_FAILED', `${field} cannot be only whitespace`, {
      field,
      reason: 'BLANK',
    });
  }
  // Text kept verbatim counts whole, so padding cannot smuggle a longer body past the cap.
  const stored = opts.keepVerbatim ? [...value].length : length;
  if (length < opts.min || stored > opts.max) {
    throw invalid(field, `${field} must be ${opts.min}–${opts.max} characters`);
  }
  return opts.keepVerbatim ? value : trimmed;
}

export function checkOptionalText(
  field: string,
  value: string | null | undefined,
  max: number,
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  return checkText(field, value, { min: 1, max });
}
