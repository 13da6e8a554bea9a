/** One Dockerfile instruction, continuation lines joined. */
export interface DockerInstruction {
  /** Upper-case keyword (FROM, RUN, COPY, ...). */
  readonly keyword: string;
  /** The rest of the line, trimmed. */
  readonly args: string;
  readonly line: number;
}

/** A build stage: its FROM and the instructions up to the next FROM. */
export interface DockerStage {
  /** Base image with global ARG defaults substituted. */
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly DockerInstruction[];
}

export interface ParsedDockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  readonly globalArgs: Readonly<Record<string, string>>;
  readonly stages: readonly DockerStage[];
}

/** Splits a Dockerfile into stages of instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): ParsedDockerfile {
  const instructions: DockerInstruction[] = [];
  let current: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comment lines are skipped even inside a continued instruction (Docker does the same).
    if (trimmed.startsWith('#') || (trimmed === '' && !current)) return;
    const continued = /\\\s*$/.test(raw);
    const part = continued ? raw.replace(/\\\s*$/, '') : raw;
    current = current
      ? { text: `${current.text} ${part.trim()}`, line: current.line }
      : { text: part.trim(), line: index + 1 };
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/s.exec(current.text.trim());
      if (m)
        instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: current.line });
      current = undefined;
    }
  });

  const globalArgs: Record<string, string> = {};
  const stages: { from: string; name: string | undefined; instructions: DockerInstruction[] }[] =
    [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--platform'));
      const image = words[0] ?? '';
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        from: substitute(image, globalArgs),
        name: as >= 0 ? words[as + 1] : undefined,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name, value = ''] = instruction.args.split('=', 2) as [string, string?];
        globalArgs[name.trim()] = value.trim();
      }
    } else {
      stages[stages.length - 1]!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

function substitute(value: string, args: Record<string, string>): string {
  return value.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? '',
  );
}

/** The command of an exec-form (`["a","b"]`) or shell-form instruction argument, as words. */
export function commandWords(args: string): string[] {
  const text = args.trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === 'string'))
      throw new Error(`not a JSON string array: ${text}`);
    return parsed as string[];
  }
  return ['/bin/sh', '-c', text];
}

/** `HEALTHCHECK [--opt=v ...] CMD ...` → the command words (undefined for `NONE`). */
export function healthcheckCommand(args: string): string[] | undefined {
  const m = /^((?:--[\w-]+=\S+\s+)*)(CMD|NONE)\b\s*(.*)$/is.exec(args.trim());
  if (!m || m[2]!.toUpperCase() === 'NONE') return undefined;
  return commandWords(m[3]!);
}

/**
 * A `.dockerignore` matcher for the patterns used here: `*`, `**`, `?`, leading `!` exceptions,
 * and a pattern that names a directory excluding everything below it.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, regex: globToRegex(pattern) };
    });
  return (path: string) => {
    const clean = path.replace(/^\.?\/+/, '');
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(clean)) ignored = !rule.negate;
    return ignored;
  };
}

function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // "**/" matches any number of directories (including none).
      if (pattern[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A match on a directory covers its contents.
  return new RegExp(`^${out}(?:/.*)?$`);
}
