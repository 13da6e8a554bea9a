import { cleanup, render } from '@testing-library/react';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Linkified, splitLinks } from './linkify';

afterEach(cleanup);

const links = (text: string) => splitLinks(text).filter((p) => p.href);

describe('splitLinks', () => {
  it.each([
    [
      'see https://example.com/a?b=1#c.',
      'https://example.com/a?b=1#c',
      'https://example.com/a?b=1#c',
    ],
    ['(www.example.org)', 'www.example.org', 'https://www.example.org/'],
    [
      'https://en.wikipedia.org/wiki/Foo_(bar)!',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    ],
    ['"http://a.io/x",', 'http://a.io/x', 'http://a.io/x'],
  ])('%s', (text, shown, href) => {
    expect(links(text)).toEqual([{ text: shown, href }]);
  });

  it('links only http and https addresses', () => {
    for (const text of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'file:///etc/passwd',
      'https://',
      'http://nodot',
      'www.',
    ]) {
      expect(links(text), text).toEqual([]);
    }
  });

  it('keeps every character of any text, in order (property)', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom(
        'https://example.com/x',
        'www.a.io',
        'http://b.co/(c)',
        ' ',
        '.',
        ')',
        'javascript:x',
        '<b>',
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('');
        const parts = splitLinks(text);
        expect(parts.map((p) => p.text).join('')).toBe(text);
        for (const p of parts) if (p.href) expect(p.href).toMatch(/^https?:\/\//);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Linkified', () => {
  it('renders links that open safely, and markup in the text stays text', () => {
    const { container } = render(
      <p>
        <Linkified text={'<img src=x onerror=alert(1)> read https://example.com/guide now'} />
      </p>,
    );
    const a = container.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.com/guide');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    expect(a.getAttribute('target')).toBe('_blank');
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe(
      '<img src=x onerror=alert(1)> read https://example.com/guide now',
    );
  });
});
