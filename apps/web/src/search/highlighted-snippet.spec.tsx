import { render } from '@testing-library/react';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HighlightedSnippet, isSearchable, snippetPieces } from './highlighted-snippet';

describe('highlighted snippets', () => {
  it('marks the matched ranges and shows markup as text', () => {
    const { container } = render(
      <HighlightedSnippet
        snippet={{
          text: '<b>Café</b> at 東京',
          highlights: [
            { start: 3, end: 7 },
            { start: 15, end: 17 },
          ],
        }}
        fallback=""
      />,
    );
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual([
      'Café',
      '東京',
    ]);
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toBe('<b>Café</b> at 東京');
  });

  it('keeps every character exactly once whatever the ranges', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.array(
          fc.record({
            start: fc.integer({ min: -5, max: 40 }),
            end: fc.integer({ min: -5, max: 40 }),
          }),
        ),
        (text, highlights) => {
          expect(
            snippetPieces({ text, highlights })
              .map((p) => p.text)
              .join(''),
          ).toBe(text);
        },
      ),
    );
  });

  it('searches from one character of a script without spaces', () => {
    expect(isSearchable('京')).toBe(true);
    expect(isSearchable('🎉')).toBe(true);
    expect(isSearchable('a')).toBe(false);
    expect(isSearchable('ab')).toBe(true);
  });
});
