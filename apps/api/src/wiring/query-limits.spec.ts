import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DIRECTIVES, MAX_EXPENSIVE_FIELDS } from '@chatter/graphql';
import { loadConfig } from '../platform/config';
import { queryLimitsFor } from './query-limits';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'chatter-limits-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('queryLimitsFor', () => {
  it('builds one frozen limits object per configuration, from its settings, for HTTP and WebSocket alike', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATA_DIR: dir,
        MAX_QUERY_DEPTH: '7',
        MAX_QUERY_COMPLEXITY: '900',
        MAX_ALIASES: '4',
      },
      { cwd: dir, repoRoot: dir },
    );
    const limits = queryLimitsFor(config);
    expect(limits).toEqual({
      maxDepth: 7,
      maxAliases: 4,
      maxComplexity: 900,
      maxDirectives: MAX_DIRECTIVES,
      maxExpensiveFields: MAX_EXPENSIVE_FIELDS,
      introspection: config.graphql.introspection,
    });
    expect(Object.isFrozen(limits)).toBe(true);
    // The app module (HTTP) and the realtime module (WebSocket) both ask: the same instance.
    expect(queryLimitsFor(config)).toBe(limits);
  });
});
