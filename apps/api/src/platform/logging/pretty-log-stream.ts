import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const COLORS: Record<number, string> = {
  10: '90',
  20: '36',
  30: '32',
  40: '33',
  50: '31',
  60: '35',
};
const OMITTED = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'context',
  'req',
  'res',
  'responseTime',
  'err',
  'reqId',
]);

interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * A pino destination that prints each JSON entry as one readable line, for development:
 * `12:00:01.123 INFO  [Context] message GET /graphql 200 12ms key=value`. No pino-pretty needed.
 */
export function createPrettyLogStream(
  out: Writable = process.stdout,
  color = out.isTTY === true,
): DestinationStream {
  return {
    write(line: string) {
      out.write(`${formatLogLine(line, color)}\n`);
    },
  };
}

/** Formats one pino JSON line; anything unparsable is passed through on one line. */
export function formatLogLine(line: string, color = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return oneLine(line.trimEnd());
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const name = (LEVELS[level] ?? String(level)).padEnd(5);
  const parts: string[] = [
    formatTime(entry.time),
    color ? `\u001b[${COLORS[level] ?? '0'}m${name}\u001b[0m` : name,
  ];
  if (typeof entry.context === 'string') parts.push(`[${entry.context}]`);
  if (entry.msg !== undefined) parts.push(oneLine(String(entry.msg)));
  const req = entry.req as { method?: string; url?: string; id?: unknown } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  if (req?.method) parts.push(`${req.method} ${req.url ?? ''}`.trim());
  if (res?.statusCode !== undefined) parts.push(String(res.statusCode));
  if (typeof entry.responseTime === 'number') parts.push(`${entry.responseTime}ms`);
  const err = entry.err as
    { type?: string; message?: string; stack?: string; errorCode?: unknown } | undefined;
  if (err) {
    const frames = (err.stack ?? '')
      .split('\n')
      .filter((l) => l.trim().startsWith('at '))
      .slice(0, 3);
    parts.push(
      oneLine(
        `${err.type ?? 'Error'}: ${err.message ?? ''}${err.errorCode ? ` (${String(err.errorCode)})` : ''} ${frames.map((f) => f.trim()).join(' ← ')}`.trim(),
      ),
    );
  }
  for (const [key, value] of Object.entries(entry)) {
    if (OMITTED.has(key) || value === undefined) continue;
    parts.push(`${key}=${truncate(typeof value === 'string' ? value : JSON.stringify(value))}`);
  }
  const id = entry.reqId ?? req?.id;
  if (id !== undefined) parts.push(`reqId=${String(id)}`);
  return oneLine(parts.join(' '));
}

function formatTime(time: unknown): string {
  const date = typeof time === 'number' || typeof time === 'string' ? new Date(time) : new Date();
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString().slice(11, 23);
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ⏎ ');
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
