import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PREVIEW_LIMITS } from '@chatter/core';
import { clean, decodeHtml, htmlMetadata } from './html-metadata';

const BASE = 'https://example.com/a/page';
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u; // eslint-disable-line no-control-regex

describe('htmlMetadata', () => {
  it('prefers OpenGraph, then Twitter, then plain tags', () => {
    expect(
      htmlMetadata(
        `<title>Plain</title><meta name="twitter:title" content="Tw">
         <meta name="description" content="plain description">
         <meta name="twitter:image" content="//cdn.example.com/t.png">`,
        BASE,
      ),
    ).toEqual({
      url: BASE,
      title: 'Tw',
      description: 'plain description',
      siteName: null,
      imageUrl: 'https://cdn.example.com/t.png',
    });
    expect(htmlMetadata('<TITLE>Only &quot;title&quot;</TITLE>', BASE).title).toBe('Only "title"');
  });

  it('ignores a <title> inside the body (an SVG title, say) and non-http images', () => {
    const m = htmlMetadata(
      `<head><meta property="og:image" content="javascript:alert(1)"></head>
       <body><svg><title>icon</title></svg></body>`,
      BASE,
    );
    expect(m.title).toBeNull();
    expect(m.imageUrl).toBeNull();
  });

  it('keeps $& and markup in values as text', () => {
    const m = htmlMetadata(`<meta property="og:title" content="$&amp; &lt;script&gt;x">`, BASE);
    expect(m.title).toBe('$& <script>x');
  });

  it('caps and cleans every field for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (text) => {
        const html = `<meta property="og:title" content="${text.replace(/"/g, '')}">
          <meta property="og:description" content="${text.replace(/"/g, '').repeat(3)}">
          <meta property="og:site_name" content="${text.replace(/"/g, '')}">
          <meta property="og:image" content="${text.replace(/"/g, '')}"><title>${text}</title>`;
        const m = htmlMetadata(html, BASE);
        for (const [value, max] of [
          [m.title, PREVIEW_LIMITS.title],
          [m.description, PREVIEW_LIMITS.description],
          [m.siteName, PREVIEW_LIMITS.siteName],
        ] as const) {
          if (value === null) continue;
          expect([...value].length).toBeLessThanOrEqual(max);
          expect(value).not.toMatch(CONTROL);
          expect(value).toBe(value.trim());
        }
        if (m.imageUrl !== null) expect(m.imageUrl).toMatch(/^https?:\/\//);
      }),
      { numRuns: 200 },
    );
  });

  it('clean folds whitespace and cuts at whole code points', () => {
    expect(clean('  a \n\t b  ', 10)).toBe('a b');
    expect(clean('😀😀😀😀', 3)).toBe('😀😀…');
    expect(clean('\u202e', 5)).toBeNull();
  });

  it('decodes the named charset, a <meta charset>, or UTF-8', () => {
    expect(decodeHtml(Buffer.from('caf\xe9', 'latin1'), 'windows-1252')).toBe('café');
    expect(decodeHtml(Buffer.from('<meta charset="iso-8859-1">\xe9', 'latin1'), null)).toContain(
      'é',
    );
    expect(decodeHtml(Buffer.from('é', 'utf8'), 'no-such-charset')).toBe('é');
  });
});
