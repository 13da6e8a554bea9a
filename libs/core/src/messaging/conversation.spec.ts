import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Conversation, directKey, GENERAL_CHANNEL_KEY, otherMemberOf } from './conversation';

const conversation = (overrides: Partial<Conversation>): Conversation =>
  ({
    id: 'c1',
    tenantId: 't1',
    kind: 'DIRECT',
    title: null,
    uniqueKey: null,
    lastSeq: 0,
    ...overrides,
  }) as Conversation;

/** Ids as the stores make them (no ':' in them). */
const id = fc.stringMatching(/^[a-z0-9-]{1,24}$/);

describe('directKey and otherMemberOf: the one place a DM key is made and read', () => {
  it('makes the same key for a pair in either order, and a different one for another pair', () => {
    fc.assert(
      fc.property(id, id, id, (a, b, c) => {
        expect(directKey(a, b)).toBe(directKey(b, a));
        if (c !== a && c !== b) expect(directKey(a, c)).not.toBe(directKey(a, b));
      }),
    );
  });

  it('reads back the other member of a direct conversation for either member', () => {
    fc.assert(
      fc.property(id, id, (a, b) => {
        fc.pre(a !== b);
        const dm = conversation({ uniqueKey: directKey(a, b) });
        expect(otherMemberOf(dm, a)).toBe(b);
        expect(otherMemberOf(dm, b)).toBe(a);
      }),
    );
  });

  it('answers null for a non-member, for groups and channels, and for a key of another shape', () => {
    const dm = conversation({ uniqueKey: directKey('ann', 'ben') });
    expect(otherMemberOf(dm, 'cat')).toBeNull();
    expect(otherMemberOf({ ...dm, kind: 'GROUP' }, 'ann')).toBeNull();
    expect(
      otherMemberOf(conversation({ kind: 'CHANNEL', uniqueKey: GENERAL_CHANNEL_KEY }), 'ann'),
    ).toBeNull();
    expect(otherMemberOf(conversation({ uniqueKey: null }), 'ann')).toBeNull();
    expect(otherMemberOf(conversation({ uniqueKey: 'dm:ann' }), 'ann')).toBeNull();
  });
});
