import { render } from '@testing-library/react';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormattedBody } from './formatted-body';
import { parseInline, parseMarkup, plainText } from './markup';

const show = (body: string) =>
  render(<FormattedBody body={body} mentions={[]} mentionsAll={false} myId="me" />).container;

describe('message markup', () => {
  it('parses inline styles, code, quotes, lists and code blocks into a tree', () => {
    expect(parseInline('*bold* _it_ ~gone~ `a*b*c`')).toEqual([
      { type: 'bold', children: [{ type: 'text', text: 'bold' }] },
      { type: 'text', text: ' ' },
      { type: 'italic', children: [{ type: 'text', text: 'it' }] },
      { type: 'text', text: ' ' },
      { type: 'strike', children: [{ type: 'text', text: 'gone' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'a*b*c' },
    ]);
    expect(parseMarkup('> quoted\n- one\n- two\n```js\nconst x = 1 * 2;\n```\nend')).toEqual([
      {
        type: 'quote',
        children: [{ type: 'paragraph', children: [{ type: 'text', text: 'quoted' }] }],
      },
      {
        type: 'list',
        ordered: false,
        items: [[{ type: 'text', text: 'one' }], [{ type: 'text', text: 'two' }]],
      },
      { type: 'codeBlock', text: 'const x = 1 * 2;' },
      { type: 'paragraph', children: [{ type: 'text', text: 'end' }] },
    ]);
  });

  it('leaves words, addresses and arithmetic alone', () => {
    for (const text of [
      'snake_case_name',
      'https://x.org/a_b_c',
      '2 * 3 * 4',
      'a*b',
      '* not bold *',
      '<@u1> hi',
      // Words masked by the tenant's word filter stay as they are.
      'Oh ****, the ** bus',
      '***, ***',
      '__ ~~',
    ]) {
      expect(parseInline(text), text).toEqual([{ type: 'text', text }]);
    }
  });

  it('renders as elements, never as HTML, with links and mentions still working', () => {
    const c = show('*<img src=x onerror=alert(1)>* see https://example.com and `<b>`');
    expect(c.querySelector('img')).toBeNull();
    expect(c.querySelector('strong')?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(c.querySelector('a.msg__link')?.getAttribute('href')).toBe('https://example.com/');
    expect(c.querySelector('code')?.textContent).toBe('<b>');
    const plain = show('just text, no markup');
    expect(plain.querySelector('.md')).toBeNull();
    expect(plain.textContent).toBe('just text, no markup');
  });

  it('never throws and keeps every character but the markup', () => {
    const piece = fc.constantFrom(
      '*',
      '_',
      '~',
      '`',
      '```',
      '> ',
      '- ',
      '1. ',
      '\n',
      ' ',
      'a',
      'é',
      '東',
      '👍',
      '<b>',
      'x',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
        (body) => {
          // A word right after an opening fence names the code's language and is not shown.
          fc.pre(!/```[^\s`]/.test(body));
          const blocks = parseMarkup(body);
          const shown = plainText(blocks).replace(/[\s*_~`>\-.\d]/g, '');
          expect(shown).toBe(body.replace(/[\s*_~`>\-.\d]/g, ''));
        },
      ),
      { numRuns: 300 },
    );
  });
});
