/** One nginx directive: `name args...;` or `name args... { children }`. */
export interface NginxDirective {
  readonly name: string;
  readonly args: readonly string[];
  readonly children?: readonly NginxDirective[];
  readonly line: number;
}

/**
 * Parses nginx configuration text into a directive tree: comments, quoted strings, `;` and
 * braces. Enough to reason about directives and their nesting; it does not know which
 * directives exist. Throws on unbalanced braces or a directive without its `;`.
 */
export function parseNginxConf(text: string): NginxDirective[] {
  const tokens = tokenize(text);
  let pos = 0;

  const block = (nested: boolean): NginxDirective[] => {
    const out: NginxDirective[] = [];
    let words: { value: string; line: number }[] = [];
    while (pos < tokens.length) {
      const token = tokens[pos++]!;
      if (token.kind === 'word') {
        words.push(token);
      } else if (token.kind === ';') {
        if (words.length === 0) throw new Error(`nginx: stray ";" at line ${token.line}`);
        out.push({
          name: words[0]!.value,
          args: words.slice(1).map((w) => w.value),
          line: words[0]!.line,
        });
        words = [];
      } else if (token.kind === '{') {
        if (words.length === 0)
          throw new Error(`nginx: block without a name at line ${token.line}`);
        const head = words;
        words = [];
        out.push({
          name: head[0]!.value,
          args: head.slice(1).map((w) => w.value),
          children: block(true),
          line: head[0]!.line,
        });
      } else {
        if (!nested) throw new Error(`nginx: unexpected "}" at line ${token.line}`);
        if (words.length > 0) throw new Error(`nginx: missing ";" before line ${token.line}`);
        return out;
      }
    }
    if (nested) throw new Error('nginx: unclosed "{" at end of file');
    if (words.length > 0)
      throw new Error(`nginx: missing ";" after "${words.map((w) => w.value).join(' ')}"`);
    return out;
  };

  return block(false);
}

type Token =
  { kind: 'word'; value: string; line: number } | { kind: ';' | '{' | '}'; line: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      tokens.push({ kind: c, line });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        if (text[j] === '\n') line++;
        value += text[j];
        j++;
      }
      if (j >= text.length) throw new Error(`nginx: unterminated string at line ${line}`);
      tokens.push({ kind: 'word', value, line });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s;{}]/.test(text[j]!)) j++;
      tokens.push({ kind: 'word', value: text.slice(i, j), line });
      i = j;
    }
  }
  return tokens;
}

/** Direct children of `block` named `name`. */
export function directives(
  block: readonly NginxDirective[] | undefined,
  name: string,
): NginxDirective[] {
  return (block ?? []).filter((d) => d.name === name);
}

/** Every directive named `name` anywhere below `block`. */
export function findAll(
  block: readonly NginxDirective[] | undefined,
  name: string,
): NginxDirective[] {
  const found: NginxDirective[] = [];
  for (const d of block ?? []) {
    if (d.name === name) found.push(d);
    if (d.children) found.push(...findAll(d.children, name));
  }
  return found;
}

/** nginx time (`90`, `60s`, `5m`, `1h`, `1d`) in seconds; NaN when unreadable. */
export function nginxSeconds(value: string | undefined): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(value ?? '');
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };
  return n * factor[unit]!;
}
