import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { invalid } from '../shared/domain-error';

/** Normalizes an international phone number to E.164 or throws VALIDATION_FAILED. */
export function normalizePhone(input: string): string {
  if (typeof input !== 'string' || input.length > 32)
    throw invalid('phone', 'phone number is not valid');
  const cleaned = input.trim();
  // Only a number: libphonenumber would otherwise extract one from surrounding text.
  if (!/^\+?[0-9 ()./-]{4,30}$/.test(cleaned)) throw invalid('phone', 'phone number is not valid');
  if (!cleaned.startsWith('+') && !cleaned.startsWith('00')) {
    throw invalid('phone', 'phone number must be in international format, starting with +');
  }
  const parsed = parsePhoneNumberFromString(
    cleaned.startsWith('00') ? `+${cleaned.slice(2)}` : cleaned,
  );
  if (!parsed || !parsed.isValid()) throw invalid('phone', 'phone number is not valid');
  return parsed.number;
}
