import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsedFrame } from './parsed-frame';

describe('parsedFrame', () => {
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
          const handed = parsedFrame(text);
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
        expect(parsedFrame(text)).toBe(text);
      }),
    );
  });
});
