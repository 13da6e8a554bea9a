// Groups, channels and people are told apart at a glance: a group shows its initials on a rounded
// square, a channel a "#", a person their initials on a circle.
import { cleanup, render } from '@testing-library/react';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Avatar } from './avatar';
import { initials } from './format';

afterEach(cleanup);

const shown = (el: HTMLElement) =>
  el.querySelector('.avatar__text')?.getAttribute('data-initials') ?? null;

describe('Avatar', () => {
  it('gives groups and channels different avatars', () => {
    const group = render(<Avatar name="Workshop crew" seed="g1" kind="GROUP" />).container;
    const channel = render(<Avatar name="Workshop crew" seed="g1" kind="CHANNEL" />).container;
    expect(shown(group)).toBe('WC');
    expect(shown(channel)).toBe('#');
    expect(group.querySelector('.avatar')?.className).toContain('avatar--group');
    expect(channel.querySelector('.avatar')?.className).toContain('avatar--channel');
  });

  it('draws people round with their initials, and a photo instead when there is one', () => {
    const person = render(<Avatar name="Ada Lovelace" seed="u1" />).container;
    expect(shown(person)).toBe('AL');
    expect(person.querySelector('.avatar')?.className).not.toMatch(/avatar--/);
    const photo = render(<Avatar name="Ada" seed="u1" url="https://example.com/a.png" />).container;
    expect(photo.querySelector('img')?.getAttribute('src')).toBe('https://example.com/a.png');
    expect(shown(photo)).toBeNull();
  });
});

describe('initials', () => {
  it('keeps an emoji or accented letter whole', () => {
    expect(initials('🎉 Party crew')).toBe('🎉C');
    expect(initials('👩‍👩‍👧 Family')).toBe('👩‍👩‍👧F');
    expect(initials('e\u0301mile zola')).toBe('E\u0301Z');
    expect(initials('🇯🇵')).toBe('🇯🇵');
    expect(initials('   ')).toBe('?');
    expect(initials('ßen')).toBe('SSE');
  });

  it('is always well-formed text of two characters at most (each upper-cased: ß is SS), for any name', () => {
    const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const text = initials(name);
        // No lone surrogate: a cut emoji would show as a replacement character.
        expect(text).not.toMatch(
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
        );
        const count = [...graphemes.segment(text)].length;
        expect(count).toBeGreaterThan(0);
        expect(count).toBeLessThanOrEqual(4);
      }),
    );
  });
});
