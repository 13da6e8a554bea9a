import type { ReactNode } from 'react';

/** http(s) URLs and bare www. addresses; other schemes (javascript:, data:, …) never match. */
const URL_CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/giu;
/** Punctuation that ends a sentence rather than the address. */
const TRAILING = new Set([...'.,;:!?…\'"”’»]}']);

const count = (text: string, ch: string) => text.split(ch).length - 1;

/** Drops sentence punctuation after an address; a ")" stays when it closes a "(" inside it
 *  ("https://en.wikipedia.org/wiki/Foo_(bar)"). */
function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const last = url[url.length - 1] ?? '';
    if (TRAILING.has(last)) url = url.slice(0, -1);
    else if (last === ')' && count(url, ')') > count(url, '(')) url = url.slice(0, -1);
    else return url;
  }
}

export interface TextPart {
  readonly text: string;
  /** Set when the part is a link: the address to open (always http: or https:). */
  readonly href?: string;
}

function toHref(url: string): string | undefined {
  try {
    const parsed = new URL(url.toLowerCase().startsWith('www.') ? `https://${url}` : url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    if (!parsed.hostname.includes('.') && parsed.hostname !== 'localhost') return undefined;
    return parsed.href;
  } catch {
    return undefined;
  }
}

/** Splits message text into plain parts and links; joined back, the parts are the text exactly. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const start = match.index;
    const url = trimUrl(match[0]);
    const href = url.length > 4 ? toHref(url) : undefined;
    if (!href) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: url, href });
    last = start + url.length;
  }
  if (last < text.length || parts.length === 0) parts.push({ text: text.slice(last) });
  return parts;
}

/** Message text with its web addresses as links that open in a new tab, the rest as text. */
export function Linkified({ text }: { text: string }): ReactNode {
  return splitLinks(text).map((part, i) =>
    part.href ? (
      <a key={i} href={part.href} target="_blank" rel="noopener noreferrer" className="msg__link">
        {part.text}
      </a>
    ) : (
      part.text
    ),
  );
}
