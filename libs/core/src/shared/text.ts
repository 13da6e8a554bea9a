import { invalid } from './domain-error';

// Control characters other than tab and newline (C0, DEL, C1) and lone surrogates are refused.
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Validates free text: trimmed length within bounds (in code points), no control characters.
 * Returns the text verbatim (untrimmed) when `keepVerbatim`, else trimmed.
 */
export function checkText(
  field: string,
  value: string,
  opts: { min: number; max: number; multiline?: boolean; keepVerbatim?: boolean },
): string {
  if (typeof value !== 'string') throw invalid(field, `${field} must be a string`);
  if (FORBIDDEN.test(value)) throw invalid(field, `${field} contains control characters`);
  if (!opts.multiline && /[\n\t]/.test(value))
    throw invalid(field, `${field} must be a single line`);
  const trimmed = value.trim();
  const length = [...trimmed].length;
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
