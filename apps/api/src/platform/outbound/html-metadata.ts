import { Parser } from 'htmlparser2';
import { PageMetadata, PREVIEW_LIMITS } from '@chatter/core';

/** Control characters (but tab and newline, folded anyway), bidi overrides, BOM, noncharacters. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNWANTED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/gu;

/** Meta names and properties we read, in order of preference per field. */
const FIELDS = {
  title: ['og:title', 'twitter:title'],
  description: ['og:description', 'twitter:description', 'description'],
  siteName: ['og:site_name', 'application-name'],
  image: ['og:image:secure_url', 'og:image:url', 'og:image', 'twitter:image', 'twitter:image:src'],
} as const;

/**
 * Title, description, site name and image of an HTML page, from OpenGraph, Twitter card and
 * plain `<meta>`/`<title>` tags, read by htmlparser2 (entities decoded). Text is cleaned of
 * control and bidi characters, whitespace-folded and capped; the image must be an http(s)
 * address (relative ones are resolved against the page).
 */
export function htmlMetadata(html: string, pageUrl: string): PageMetadata {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  let titleDone = false;
  let inBody = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'body') inBody = true;
        if (name === 'title' && !titleDone && !inBody) inTitle = true;
        if (name !== 'meta') return;
        const key = (attributes['property'] ?? attributes['name'] ?? '').trim().toLowerCase();
        const content = attributes['content'];
        if (key && content !== undefined && !meta.has(key)) meta.set(key, content);
      },
      ontext(text) {
        if (inTitle && title.length < PREVIEW_LIMITS.title * 4) title += text;
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          titleDone = true;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  const first = (keys: readonly string[]) =>
    keys.map((k) => meta.get(k)).find((v) => v !== undefined && clean(v, 1) !== null);
  return {
    url: pageUrl,
    title: clean(first(FIELDS.title) ?? title, PREVIEW_LIMITS.title),
    description: clean(first(FIELDS.description), PREVIEW_LIMITS.description),
    siteName: clean(first(FIELDS.siteName), PREVIEW_LIMITS.siteName),
    imageUrl: absoluteHttpUrl(first(FIELDS.image), pageUrl),
  };
}

/** Cleaned, whitespace-folded text cut at `max` characters (whole code points), or null. */
export function clean(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  const folded = text.replace(/\s+/gu, ' ').replace(UNWANTED, '').trim();
  if (!folded) return null;
  const points = [...folded];
  return points.length <= max
    ? folded
    : `${points
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

function absoluteHttpUrl(raw: string | undefined, base: string): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.href.length <= PREVIEW_LIMITS.url ? url.href : null;
  } catch {
    return null;
  }
}

/** Decodes HTML bytes with the charset the server named (or a `<meta charset>`), else UTF-8. */
export function decodeHtml(body: Buffer, charset: string | null): string {
  const sniffed =
    charset ??
    /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)/i.exec(
      body.subarray(0, 2048).toString('latin1'),
    )?.[1] ??
    'utf-8';
  try {
    return new TextDecoder(sniffed.toLowerCase()).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
