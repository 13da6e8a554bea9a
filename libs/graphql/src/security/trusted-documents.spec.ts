import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PersistedQueryCache } from './persisted-query-cache';
import { MAX_DOCUMENT_LENGTH } from './query-limits';
import {
  admitOperation,
  persistedQueryHash,
  selectsOnly,
  sha256Hex,
  TrustedDocuments,
} from './trusted-documents';
import { trustedDocumentsGuard } from './trusted-documents.guard';

const ME = 'query Me { me { __typename id } }';
const SEND = 'mutation Send($i: SendMessageInput!) { sendMessage(input: $i) { id } }';
const manifest = { [sha256Hex(ME)]: ME, [sha256Hex(SEND)]: SEND };
const enforced = TrustedDocuments.fromManifest(manifest, true);
const lenient = TrustedDocuments.fromManifest(manifest, false);
const pq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const codeOf = (a: ReturnType<typeof admitOperation>) =>
  a.admitted ? 'admitted' : a.error.extensions['code'];

describe('TrustedDocuments.fromManifest', () => {
  it('accepts the manifest npm run codegen writes (every key is the sha256 of its text)', () => {
    const generated = JSON.parse(
      readFileSync(
        join(__dirname, '../../../client/src/generated/persisted-documents.json'),
        'utf8',
      ),
    ) as Record<string, string>;
    const trusted = TrustedDocuments.fromManifest(generated, true);
    expect(trusted.size).toBe(Object.keys(generated).length);
    expect(trusted.size).toBeGreaterThan(20);
    // The client's cache reads __typename on every object below the root: the manifest asks for
    // it wherever an operation selects one (an operation of scalar root fields selects none).
    const selectsObjects = (text: string) => (text.match(/\{/g) ?? []).length > 1;
    expect(Object.values(generated).filter(selectsObjects).length).toBeGreaterThan(20);
    for (const text of Object.values(generated).filter(selectsObjects))
      expect(text).toMatch(/\{ __typename /);
  });

  it('refuses manifests it cannot trust, naming the entry', () => {
    expect(() => TrustedDocuments.fromManifest([ME], true)).toThrow(/JSON object/);
    expect(() => TrustedDocuments.fromManifest({ abc: ME }, true)).toThrow(/not a sha256 hash/);
    expect(() => TrustedDocuments.fromManifest({ [sha256Hex(ME)]: SEND }, true)).toThrow(
      /does not hash to it/,
    );
    const long = `{ ${'me { id } '.repeat(MAX_DOCUMENT_LENGTH / 10)} }`;
    expect(() => TrustedDocuments.fromManifest({ [sha256Hex(long)]: long }, true)).toThrow(
      /1–20000 chars/,
    );
    expect(() => TrustedDocuments.fromManifest({}, true)).toThrow(/empty/);
    expect(TrustedDocuments.fromManifest({}, false).size).toBe(0);
  });
});

describe('admitOperation', () => {
  it('runs the manifest text of a known hash, whatever text came along', () => {
    expect(admitOperation(enforced, { extensions: pq(sha256Hex(ME)) }, false)).toEqual({
      admitted: true,
      query: ME,
      hash: sha256Hex(ME),
    });
    expect(
      admitOperation(enforced, { query: '{ evil }', extensions: pq(sha256Hex(SEND)) }, false),
    ).toMatchObject({ admitted: true, query: SEND });
  });

  it('when enforced, refuses ad hoc text, unknown hashes and malformed extensions', () => {
    expect(codeOf(admitOperation(enforced, { query: '{ me { id } }' }, true))).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
    expect(codeOf(admitOperation(enforced, { extensions: pq(sha256Hex('x')) }, true))).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
    for (const extensions of [pq('ABC'), { persistedQuery: 'x' }, 'text', null, []])
      expect(codeOf(admitOperation(enforced, { query: '{ me { id } }', extensions }, true))).toBe(
        'PERSISTED_QUERY_NOT_IN_LIST',
      );
    expect(codeOf(admitOperation(enforced, {}, true))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const error = admitOperation(enforced, { query: '{ me { id } }' }, true);
    expect(!error.admitted && error.error.extensions['http']).toEqual({ status: 400 });
  });

  it('when enforced, runs the exact text of an entry, __typename alone, and introspection only when allowed', () => {
    expect(codeOf(admitOperation(enforced, { query: ME }, false))).toBe('admitted');
    // The same operation reformatted is another document: not trusted.
    expect(codeOf(admitOperation(enforced, { query: ME.replace(' ', '  ') }, false))).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
    expect(codeOf(admitOperation(enforced, { query: '{ __typename }' }, false))).toBe('admitted');
    const introspection = getIntrospectionQuery();
    expect(codeOf(admitOperation(enforced, { query: introspection }, true))).toBe('admitted');
    expect(codeOf(admitOperation(enforced, { query: introspection }, false))).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
  });

  it('without enforcement, lets anything on to the usual checks', () => {
    expect(admitOperation(lenient, { query: '{ me { id } }' }, false)).toEqual({ admitted: true });
    expect(admitOperation(lenient, { extensions: pq(sha256Hex('x')) }, false)).toEqual({
      admitted: true,
    });
  });
});

describe('selectsOnly', () => {
  it('accepts queries of introspection fields alone, through fragments', () => {
    expect(selectsOnly('{ __schema { queryType { name } } }', true)).toBe(true);
    expect(
      selectsOnly('query { ...F } fragment F on Query { __type(name: "User") { name } }', true),
    ).toBe(true);
    expect(selectsOnly('{ ... on Query { __typename } }', false)).toBe(true);
  });

  it('refuses anything that also selects data, mutations, subscriptions and unparsable text', () => {
    expect(selectsOnly('{ __schema { queryType { name } } }', false)).toBe(false);
    expect(selectsOnly('{ __typename me { id } }', true)).toBe(false);
    expect(selectsOnly('{ ...F } fragment F on Query { me { id } }', true)).toBe(false);
    expect(selectsOnly('{ ...Missing }', true)).toBe(false);
    expect(selectsOnly('mutation { __typename }', true)).toBe(false);
    expect(selectsOnly('subscription { __typename }', true)).toBe(false);
    expect(selectsOnly('{ __typename } query Two { me { id } }', true)).toBe(false);
    expect(selectsOnly('{ __typename', true)).toBe(false);
    expect(selectsOnly('fragment F on Query { __typename }', true)).toBe(false);
    expect(selectsOnly(`{ ${'__typename '.repeat(4000)} }`, true)).toBe(false); // token cap
  });

  it('ends on fragment cycles', () => {
    expect(
      selectsOnly(
        '{ ...A } fragment A on Query { ...B __typename } fragment B on Query { ...A }',
        true,
      ),
    ).toBe(true);
  });
});

describe('persistedQueryHash', () => {
  it('reads a lowercase sha256 hex hash only', () => {
    const hash = sha256Hex(ME);
    expect(persistedQueryHash(pq(hash))).toBe(hash);
    expect(persistedQueryHash(pq(hash.toUpperCase()))).toBeUndefined();
    expect(persistedQueryHash({ persistedQuery: { sha256Hash: 42 } })).toBeUndefined();
    expect(persistedQueryHash(undefined)).toBeUndefined();
  });
});

describe('PersistedQueryCache', () => {
  it('answers manifest hashes (with or without Apollo’s key prefix) and keeps registrations in a bounded LRU', async () => {
    const cache = new PersistedQueryCache(lenient, 2);
    expect(await cache.get(`apq:${sha256Hex(ME)}`)).toBe(ME);
    expect(await cache.get(sha256Hex(SEND))).toBe(SEND);
    await cache.set('apq:a', '{ a }');
    await cache.set('apq:b', '{ b }');
    expect(await cache.get('apq:a')).toBe('{ a }'); // a is now the most recent
    await cache.set('apq:c', '{ c }');
    expect(await cache.get('apq:b')).toBeUndefined();
    expect(await cache.get('apq:a')).toBe('{ a }');
    expect(cache.size).toBe(2);
    await cache.set(`apq:${sha256Hex(ME)}`, 'other'); // the manifest is never overwritten
    expect(await cache.get(`apq:${sha256Hex(ME)}`)).toBe(ME);
    await cache.set('apq:big', 'x'.repeat(MAX_DOCUMENT_LENGTH + 1));
    expect(await cache.get('apq:big')).toBeUndefined();
    expect(await cache.delete('apq:a')).toBe(true);
  });

  it('registers nothing when trusted documents are enforced', async () => {
    const cache = new PersistedQueryCache(enforced);
    await cache.set('apq:a', '{ a }');
    expect(await cache.get('apq:a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('trustedDocumentsGuard (HTTP)', () => {
  const run = (
    trusted: TrustedDocuments,
    req: { method: string; body?: unknown; query?: Record<string, unknown> },
  ) => {
    let answered: { status: number; body: unknown } | undefined;
    let passed = false;
    trustedDocumentsGuard(trusted, true)(
      req,
      { status: (status) => ({ json: (body) => void (answered = { status, body }) }) },
      () => void (passed = true),
    );
    return { answered, passed, req };
  };

  it('answers 400 PERSISTED_QUERY_NOT_IN_LIST to ad hoc POST and GET, before Apollo', () => {
    const post = run(enforced, { method: 'POST', body: { query: '{ me { id } }' } });
    expect(post.passed).toBe(false);
    expect(post.answered).toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }] },
    });
    const get = run(enforced, { method: 'GET', query: { query: '{ me { id } }' } });
    expect(get.answered?.status).toBe(400);
  });

  it('passes hashes of the manifest (GET extensions as JSON text) and the playground page load', () => {
    const extensions = JSON.stringify(pq(sha256Hex(ME)));
    expect(run(enforced, { method: 'GET', query: { extensions } }).passed).toBe(true);
    expect(run(enforced, { method: 'GET', query: {} }).passed).toBe(true);
    expect(run(enforced, { method: 'GET', query: { extensions: '{bad json' } }).passed).toBe(false);
    expect(run(enforced, { method: 'OPTIONS' }).passed).toBe(true);
  });

  it('replaces the text of a POST that names a manifest hash with the manifest text', () => {
    const body = { query: 'query Me { me { id } }', extensions: pq(sha256Hex(ME)) };
    const result = run(enforced, { method: 'POST', body });
    expect(result.passed).toBe(true);
    expect(body.query).toBe(ME);
  });

  it('without enforcement, runs as plain text a POST whose hash is unknown and does not match its text', () => {
    const body: { query: string; extensions: Record<string, unknown> } = {
      query: '{ me { id } }',
      extensions: { ...pq(sha256Hex('something else')), other: 1 },
    };
    expect(run(lenient, { method: 'POST', body }).passed).toBe(true);
    expect(body.extensions).toEqual({ other: 1 });
    // A matching registration is left to Apollo's automatic persisted queries.
    const registering = { query: '{ a }', extensions: pq(sha256Hex('{ a }')) };
    run(lenient, { method: 'POST', body: registering });
    expect(registering.extensions).toEqual(pq(sha256Hex('{ a }')));
  });
});
