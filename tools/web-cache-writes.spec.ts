// Every write into the web app's Apollo cache goes through apps/web/src/realtime/cache-writes.ts: one place to read when the
// cache holds something unexpected, and one set of helpers the event tests cover.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.join(__dirname, '..', 'apps', 'web', 'src');
const HOME = path.join('realtime', 'cache-writes.ts');
const WRITE = /\.\s*(writeQuery|writeFragment|modify|evict|gc|updateFragment)\s*\(/g;
/**
 * `cache.updateQuery(…)`, or a merge written in place for fetchMore or subscribeToMore
 * (`updateQuery: (prev, …) => …`, a method, a function): Apollo writes what it returns. Outside
 * cache-writes.ts it names a helper of that file (`updateQuery: appendEdges('auditLog')`).
 */
const INLINE_MERGE =
  /\b(updateQuery)\s*(?::\s*(?:async\s+)?(?:\(|function\b|[A-Za-z_$][\w$]*\s*=>)|\()/g;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry) && !/\.spec\.tsx?$/.test(entry) ? [full] : [];
  });
}

/** `file:line call` for each cache write outside cache-writes.ts. */
function cacheWritesOutside(files: { name: string; text: string }[]): string[] {
  return files.flatMap(({ name, text }) =>
    name === HOME
      ? []
      : [...text.matchAll(WRITE), ...text.matchAll(INLINE_MERGE)]
          .sort((a, b) => a.index - b.index)
          .map((m) => `${name}:${text.slice(0, m.index).split('\n').length} ${m[1]}`),
  );
}

describe('Apollo cache writes', () => {
  it('happen only in realtime/cache-writes.ts', () => {
    const files = sources(src).map((file) => ({
      name: path.relative(src, file),
      text: readFileSync(file, 'utf8'),
    }));
    expect(files.some((f) => f.name === HOME)).toBe(true);
    expect(cacheWritesOutside(files)).toEqual([]);
  });

  it('are found anywhere else, whatever the receiver or spacing', () => {
    const text = [
      'client.cache.modify({ id });',
      'cache.writeQuery({ query });',
      'client.writeFragment ({ fragment });',
      'cache\n  .evict({ id });',
      'client.cache.gc();',
      'const modified = list.modified;',
      'fetchMore({ updateQuery: (prev, { fetchMoreResult }) => prev });',
      'subscribeToMore({ updateQuery: prev => prev });',
      'fetchMore({ updateQuery(prev) { return prev; } });',
      'client.cache.updateQuery({ query }, (d) => d);',
      "fetchMore({ variables, updateQuery: appendEdges('auditLog') });",
    ].join('\n');
    expect(cacheWritesOutside([{ name: 'chat/x.tsx', text }])).toEqual([
      'chat/x.tsx:1 modify',
      'chat/x.tsx:2 writeQuery',
      'chat/x.tsx:3 writeFragment',
      'chat/x.tsx:5 evict',
      'chat/x.tsx:6 gc',
      'chat/x.tsx:8 updateQuery',
      'chat/x.tsx:9 updateQuery',
      'chat/x.tsx:10 updateQuery',
      'chat/x.tsx:11 updateQuery',
    ]);
    expect(cacheWritesOutside([{ name: HOME, text }])).toEqual([]);
  });
});
