import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MeDocument } from '@chatter/client';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';
import { LocalStorageCursorStorage, MemoryCursorStorage, parseCursors } from './cursor-storage';
import { FileCursorStorage } from './file-cursor-storage';
import { SeqTracker } from './seq-tracker';
import { TokenSource, tokenExpiry } from './token-source';
import { GraphqlHttp } from './graphql-http';
import { fakeServer } from './testing-fakes';

const jwt = (claims: object) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('backoffDelay', () => {
  it('stays between half and all of the capped exponential delay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, r) => {
          const d = backoffDelay(n, { baseMs: 100, maxMs: 5_000, random: () => r });
          const ceiling = Math.min(5_000, 100 * 2 ** Math.min(n, 30));
          return d >= Math.floor(ceiling / 2) && d <= ceiling;
        },
      ),
    );
    expect(backoffDelay(3, { baseMs: 100, random: () => 1 })).toBe(800);
  });
});

describe('cursor storages', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('parseCursors keeps only non-negative integer seqs and never throws on any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cursors = parseCursors(text);
        return Object.values(cursors).every((v) => Number.isSafeInteger(v) && v >= 0);
      }),
    );
    expect(parseCursors('{"a":3,"b":-1,"c":"4","d":1.5,"e":0}')).toEqual({ a: 3, e: 0 });
    expect(parseCursors('[1,2]')).toEqual({});
  });

  it('a file storage reads back what it saved, and starts empty from a missing or torn file', () => {
    dir = mkdtempSync(join(tmpdir(), 'sdk-cursors-'));
    const path = join(dir, 'nested/cursors.json');
    const storage = new FileCursorStorage(path);
    expect(storage.load()).toEqual({});
    storage.save({ c1: 4, c2: 10 });
    expect(new FileCursorStorage(path).load()).toEqual({ c1: 4, c2: 10 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ c1: 4, c2: 10 });
    writeFileSync(path, '{"c1": 4, "c2');
    expect(storage.load()).toEqual({});
  });

  it('memory and Web Storage keep copies, not the caller’s object', () => {
    const memory = new MemoryCursorStorage();
    const saved = { a: 1 };
    memory.save(saved);
    saved.a = 9;
    expect(memory.load()).toEqual({ a: 1 });
    const map = new Map<string, string>();
    const web = new LocalStorageCursorStorage('k', {
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
    });
    web.save({ x: 2 });
    expect(map.get('k')).toBe('{"x":2}');
    expect(web.load()).toEqual({ x: 2 });
  });
});

describe('SeqTracker', () => {
  it('judges repeats, holes and next seqs, and never moves a cursor back', () => {
    const t = new SeqTracker({ a: 5 });
    expect(t.judge('a', 5)).toEqual({ kind: 'duplicate' });
    expect(t.judge('a', 6)).toEqual({ kind: 'apply' });
    expect(t.judge('a', 9)).toEqual({ kind: 'gap', afterSeq: 5, beforeSeq: 9 });
    expect(t.judge('new', 40)).toEqual({ kind: 'apply' });
    t.commit('a', 9);
    t.commit('a', 7);
    t.seed('a', 1);
    expect(t.get('a')).toBe(9);
    expect(t.cursors()).toEqual([{ conversationId: 'a', afterSeq: 9 }]);
  });
});

describe('TokenSource', () => {
  it('reads the expiry of a JWT and nothing from other strings', () => {
    expect(tokenExpiry(jwt({ exp: 1234 }))).toBe(1234);
    expect(tokenExpiry('opaque')).toBeUndefined();
    expect(tokenExpiry('a.%%%.c')).toBeUndefined();
  });

  it('asks a provider again after the server refused its token, and before a JWT expires', async () => {
    let now = 1_000_000;
    const issued: string[] = [];
    const source = new TokenSource(
      ({ expired }) => {
        const token = jwt({ exp: now / 1000 + 60, n: issued.length, expired });
        issued.push(token);
        return token;
      },
      () => now,
    );
    const first = await source.get();
    expect(await source.get()).toBe(first);
    source.invalidate(first);
    const second = await source.get();
    expect(second).not.toBe(first);
    now += 45_000; // within 30 s of exp
    expect(await source.get()).not.toBe(second);
    expect(issued).toHaveLength(3);
  });

  it('refreshes a session with refreshSession once for concurrent callers and reports the new one', async () => {
    const server = fakeServer({
      RefreshSession: (v) => ({
        body: {
          data: {
            refreshSession: {
              accessToken: `new-for-${String(v['refreshToken'])}`,
              refreshToken: 'r2',
              expiresAt: null,
              user: null,
            },
          },
        },
      }),
      Me: (_v, token) =>
        token === 'old'
          ? { body: { errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED' } }] } }
          : { body: { data: { me: { id: 'u1' } } } },
    });
    const sessions: unknown[] = [];
    const source = new TokenSource({
      session: { accessToken: 'old', refreshToken: 'r1' },
      onSession: (s) => void sessions.push(s),
    });
    const http = new GraphqlHttp('http://x/graphql', source, server.fetch);
    source.attach(http);
    const [a, b] = await Promise.all([http.request(MeDocument, {}), http.request(MeDocument, {})]);
    expect(a.me.id).toBe('u1');
    expect(b.me.id).toBe('u1');
    expect(server.calls.filter((c) => c.operation === 'RefreshSession')).toHaveLength(1);
    expect(sessions).toEqual([{ accessToken: 'new-for-r1', refreshToken: 'r2' }]);
  });
});
