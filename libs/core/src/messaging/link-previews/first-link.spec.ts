import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstLink } from './first-link';

describe('firstLink', () => {
  it.each([
    ['see https://example.com/a?b=1 now', 'https://example.com/a?b=1'],
    ['(https://example.com/x).', 'https://example.com/x'],
    [
      'https://en.wikipedia.org/wiki/Rust_(programming_language)',
      'https://en.wikipedia.org/wiki/Rust_(programming_language)',
    ],
    ['end: http://EXAMPLE.com.', 'http://example.com/'],
    ['two http://a.example/ and https://b.example/', 'http://a.example/'],
    ['fragment https://example.com/p#section', 'https://example.com/p'],
    ['unicode https://bücher.example/ok', 'https://xn--bcher-kva.example/ok'],
    ['no link here', null],
    ['ftp://example.com/file', null],
    ['javascript:alert(1)', null],
    ['https://user:pass@example.com/', null],
    ['https://', null],
    [null, null],
  ])('%s → %s', (body, expected) => {
    expect(firstLink(body)).toBe(expected);
  });

  it('skips links longer than the cap', () => {
    expect(firstLink(`https://example.com/${'a'.repeat(3000)}`)).toBeNull();
  });

  it('answers an http(s) URL or null for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const url = firstLink(text);
        if (url !== null) expect(url).toMatch(/^https?:\/\//);
      }),
    );
  });
});
