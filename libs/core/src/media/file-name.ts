import { invalid } from '../shared/domain-error';

export const MAX_FILE_NAME_LENGTH = 255;

// Control characters (C0 incl. tab and newline, DEL, C1), lone surrogates, path separators and
// the bidirectional overrides that can disguise an extension ("photo‮gnp.exe").
const REFUSED =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001F\u007F-\u009F/\\\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks a file name as shown to other members: 1–255 code points, no path, no control or
 * direction-override characters, not only dots or spaces. Returned verbatim when accepted.
 */
export function checkFileName(value: unknown): string {
  if (typeof value !== 'string') throw invalid('fileName', 'fileName must be a string');
  if (REFUSED.test(value)) {
    throw invalid('fileName', 'fileName must not contain paths, control or direction characters');
  }
  const length = [...value].length;
  if (length < 1 || length > MAX_FILE_NAME_LENGTH) {
    throw invalid('fileName', `fileName must be 1–${MAX_FILE_NAME_LENGTH} characters`);
  }
  if (/^[.\s]*$/u.test(value)) throw invalid('fileName', 'fileName must name a file');
  return value;
}

/** The extension of a file name, lower case, without the dot ('' when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}
