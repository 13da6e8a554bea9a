import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DocumentCache } from './document-cache';

const schema = buildSchema('type Query { a(n: Int): A } type A { b: A c: Int }');
const limits = {
  maxDepth: 3,
  maxAliases: 5,
  maxComplexity: 100,
  maxDirectives: 5,
  maxExpensiveFields: 2,
  introspection: false,
};

describe('DocumentCache', () => {
  it('gives the same document object for the same text (parsed and validated once)', () => {
    const cache = new DocumentCache(schema, limits);
    const first = cache.check('{ a { c } }');
    const second = cache.check('{ a { c } }');
    expect('document' in first && 'document' in second && first.document === second.document).toBe(
      true,
    );
    expect(cache.size).toBe(1);
    // The text as the cache holds it, for callers that keep it.
    expect('query' in second && second.query).toBe('{ a { c } }');
  });

  it('refuses syntax errors with GRAPHQL_PARSE_FAILED and keeps nothing', () => {
    const cache = new DocumentCache(schema, limits);
    const checked = cache.check('{ a { c ');
    expect('errors' in checked && checked.errors[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(cache.size).toBe(0);
  });

  it('applies the schema and the query limits (as over HTTP) and keeps nothing invalid', () => {
    const cache = new DocumentCache(schema, limits);
    expect('errors' in cache.check('{ nope }')).toBe(true);
    expect('errors' in cache.check('{ a { b { b { b { c } } } } }')).toBe(true); // too deep
    expect('errors' in cache.check('{ __schema { types { name } } }')).toBe(true); // no introspection
    expect(cache.size).toBe(0);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new DocumentCache(schema, limits, 2);
    const one = cache.check('{ a(n: 1) { c } }');
    cache.check('{ a(n: 2) { c } }');
    cache.check('{ a(n: 1) { c } }'); // used again: now the most recent
    cache.check('{ a(n: 3) { c } }'); // evicts n: 2
    expect(cache.size).toBe(2);
    const again = cache.check('{ a(n: 1) { c } }');
    expect('document' in one && 'document' in again && one.document === again.document).toBe(true);
  });
});
