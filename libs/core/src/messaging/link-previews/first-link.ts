import { PREVIEW_LIMITS } from './link-preview';

/** Candidates: an http(s) scheme, then anything up to whitespace or an angle bracket. */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/giu;
/** Punctuation that ends a sentence rather than a link. */
const TRAILING = /[.,;:!?'*_~)\]}]+$/u;

/**
 * The first http(s) link of a message body, normalized by the WHATWG URL parser, or null.
 * Links with credentials, and ones longer than {@link PREVIEW_LIMITS.url}, are not previewed.
 */
export function firstLink(body: string | null): string | null {
  if (!body) return null;
  for (const match of body.matchAll(CANDIDATE)) {
    let raw = match[0];
    // Keep a closing parenthesis the link itself opened (wiki-style addresses).
    while (TRAILING.test(raw)) {
      const last = raw[raw.length - 1]!;
      if (last === ')' && count(raw, '(') >= count(raw, ')')) break;
      raw = raw.slice(0, -1);
    }
    const url = parse(raw);
    if (url) return url;
  }
  return null;
}

function parse(raw: string): string | null {
  if (raw.length > PREVIEW_LIMITS.url) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || !url.hostname) return null;
  url.hash = '';
  const href = url.href;
  return href.length <= PREVIEW_LIMITS.url ? href : null;
}

const count = (s: string, c: string) => s.split(c).length - 1;
