// A small, safe message markup, parsed into a tree that the view renders as React elements (so
// nothing in a body is ever HTML): *bold*, _italic_, ~strike~, `code`, ``` code blocks ```,
// "> " quotes and "- " / "1. " lists. Links and mentions stay tokens of the text leaves.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'bold' | 'italic' | 'strike'; children: Inline[] };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'codeBlock'; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] };

const MAX_DEPTH = 4;
const STYLE: Record<string, 'bold' | 'italic' | 'strike'> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strike',
};
const WORD = /[\p{L}\p{N}]/u;
const BULLET = /^\s{0,3}[-*•]\s+/u;
const NUMBERED = /^\s{0,3}\d{1,3}[.)]\s+/u;
const QUOTE = /^>\s?/u;
const FENCE = /^\s*```/u;
const CLOSING_FENCE = /^\s*```\s*$/u;

/** Parses a message body into blocks. Never throws; joined back, no character is lost but markup. */
export function parseMarkup(body: string, depth = 0): Block[] {
  const lines = body.split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0)
      blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      const end = lines.findIndex((l, j) => j > i && CLOSING_FENCE.test(l));
      if (end !== -1) {
        flush();
        const first = line.replace(FENCE, '');
        const inner = lines.slice(i + 1, end);
        // A language name after the fence is not shown; text on the opening line is.
        const text = (/^[\w+-]*$/.test(first.trim()) ? inner : [first, ...inner]).join('\n');
        blocks.push({ type: 'codeBlock', text });
        i = end;
        continue;
      }
    }
    if (QUOTE.test(line) && depth < MAX_DEPTH) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) quoted.push(lines[i++]!.replace(QUOTE, ''));
      i--;
      blocks.push({ type: 'quote', children: parseMarkup(quoted.join('\n'), depth + 1) });
      continue;
    }
    const ordered = NUMBERED.test(line);
    if (ordered || BULLET.test(line)) {
      flush();
      const marker = ordered ? NUMBERED : BULLET;
      const items: Inline[][] = [];
      while (i < lines.length && marker.test(lines[i]!))
        items.push(parseInline(lines[i++]!.replace(marker, '')));
      i--;
      blocks.push({ type: 'list', ordered, items });
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}

/** Inline styles: a delimiter opens before a non-space not inside a word, and closes likewise. */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const push = (node: Inline) => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
    out.push(node);
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const before = i > 0 ? text[i - 1]! : '';
    if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        push({ type: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    const style = STYLE[ch];
    if (
      style &&
      depth < MAX_DEPTH &&
      !WORD.test(before) &&
      text[i + 1] &&
      !/\s/u.test(text[i + 1]!) &&
      // A run of delimiters (`**`, a word the word filter masked as `****`) is plain text.
      before !== ch &&
      text[i + 1] !== ch
    ) {
      const end = closing(text, ch, i + 1);
      if (end !== -1) {
        push({ type: style, children: parseInline(text.slice(i + 1, end), depth + 1) });
        i = end + 1;
        continue;
      }
    }
    plain += ch;
    i++;
  }
  if (plain) out.push({ type: 'text', text: plain });
  return out;
}

function closing(text: string, ch: string, from: number): number {
  for (let j = from + 1; j < text.length; j++) {
    if (text[j] === '\n') return -1;
    if (text[j] !== ch) continue;
    const after = text[j + 1] ?? '';
    if (!/\s/u.test(text[j - 1]!) && !WORD.test(after)) return j;
  }
  return -1;
}

/** The text a tree shows, without markup (for previews and accessible names). */
export function plainText(blocks: readonly Block[]): string {
  const inline = (nodes: readonly Inline[]): string =>
    nodes
      .map((n) => (n.type === 'text' || n.type === 'code' ? n.text : inline(n.children)))
      .join('');
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'paragraph':
          return inline(b.children);
        case 'codeBlock':
          return b.text;
        case 'quote':
          return plainText(b.children);
        case 'list':
          return b.items.map(inline).join('\n');
      }
    })
    .join('\n');
}
