import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pooledMessage, QueryTextPool } from './query-text-pool';

describe('QueryTextPool', () => {
  it('keeps one entry per distinct text and gives back an equal text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 40 }), (texts) => {
        const pool = new QueryTextPool(1_000);
        for (const text of [...texts, ...texts]) expect(pool.intern(text)).toBe(text);
        expect(pool.size).toBe(new Set(texts).size);
      }),
    );
  });

  it('is bounded: it starts over past its entries, and never pools an oversized text', () => {
    const pool = new QueryTextPool(3, 10);
    for (const text of ['a', 'b', 'c']) pool.intern(text);
    expect(pool.size).toBe(3);
    expect(pool.intern('d')).toBe('d');
    expect(pool.size).toBe(1);
    expect(pool.intern('x'.repeat(11))).toBe('x'.repeat(11));
    expect(pool.size).toBe(1);
  });
});

describe('pooledMessage', () => {
  it('parses any JSON frame to exactly what JSON.parse gives', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({
            id: fc.string({ unit: 'binary' }),
            type: fc.constant('subscribe'),
            payload: fc.record({
              query: fc.string({ unit: 'binary' }),
              variables: fc.option(fc.dictionary(fc.string(), fc.jsonValue())),
            }),
          }),
          fc.jsonValue(),
        ),
        (value) => {
          const text = JSON.stringify(value);
          const parsed: unknown = JSON.parse(text);
          const handed = pooledMessage(text, new QueryTextPool());
          // Objects are handed over parsed; anything else as the text, for graphql-ws to refuse.
          if (typeof parsed === 'object' && parsed !== null) expect(handed).toEqual(parsed);
          else expect(handed).toBe(text);
        },
      ),
    );
  });

  it('hands text that is not JSON over unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        let json = true;
        try {
          JSON.parse(text);
        } catch {
          json = false;
        }
        fc.pre(!json);
        expect(pooledMessage(text, new QueryTextPool())).toBe(text);
      }),
    );
  });

  it('pools the query text of subscribe messages only', () => {
    const pool = new QueryTextPool();
    const query = 'subscription { chatEvents { __typename } }';
    pooledMessage(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }), pool);
    pooledMessage(JSON.stringify({ id: '2', type: 'subscribe', payload: { query } }), pool);
    expect(pool.size).toBe(1);
    pooledMessage(JSON.stringify({ type: 'ping', payload: { query: 'other' } }), pool);
    pooledMessage(JSON.stringify({ id: '3', type: 'subscribe', payload: { query: 42 } }), pool);
    pooledMessage(JSON.stringify({ id: '4', type: 'subscribe', payload: null }), pool);
    expect(pool.size).toBe(1);
  });
});
