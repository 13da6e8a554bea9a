import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupSubtitle } from './header-subtitle';

describe('groupSubtitle', () => {
  it('counts members, says channel, and shows the topic', () => {
    expect(groupSubtitle({ kind: 'GROUP', memberCount: 1 })).toBe('1 member');
    expect(groupSubtitle({ kind: 'CHANNEL', memberCount: 3, description: null })).toBe(
      '3 members · channel',
    );
    expect(
      groupSubtitle({
        kind: 'CHANNEL',
        memberCount: 2,
        description: '  Calm talk only 🌿 <no shouting>\nRules: be kind.',
      }),
    ).toBe('2 members · channel · Calm talk only 🌿 <no shouting>');
    expect(groupSubtitle({ kind: 'GROUP', memberCount: 4, description: ' \n ' })).toBe('4 members');
  });

  it('shows the first line of any description as it is, on one line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (description) => {
        const line = groupSubtitle({ kind: 'CHANNEL', memberCount: 5, description });
        expect(line.startsWith('5 members · channel')).toBe(true);
        expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
        const topic = description
          .trim()
          .split(/\r\n|[\n\r\u2028\u2029]/)[0]!
          .trim();
        expect(line.endsWith(topic)).toBe(true);
      }),
    );
  });
});
