const MAX_NAME = 64;
// Control and format characters that could hide or reorder text (C0, C1, bidi controls),
// and lone surrogates.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A display name for an account created from a provider's claims: the `name` claim, else the
 * e-mail's local part, without control or bidi characters, whitespace collapsed, at most 64
 * code points; "New user" when nothing is left.
 */
export function displayNameFromClaims(name: string | null, email: string | null): string {
  for (const candidate of [
    name,
    email ? email.slice(0, Math.max(0, email.lastIndexOf('@'))) : null,
  ]) {
    if (typeof candidate !== 'string') continue;
    const clean = candidate.slice(0, 1024).replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
    const capped = [...clean].slice(0, MAX_NAME).join('').trim();
    if (capped) return capped;
  }
  return 'New user';
}
