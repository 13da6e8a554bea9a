import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { createCache } from '../apollo/apollo-client';
import { setBlockedFlag, writeProfile } from './cache-writes';

const BLOCKED = parse('fragment Blocked on User { id isBlocked }');
const PROFILE = parse('fragment Profile on User { id name presence { status } }');

describe('cache writes for people', () => {
  it('setBlockedFlag flips only the person named, and skips someone not cached', () => {
    const cache = createCache();
    for (const id of ['u1', 'u2'])
      cache.writeFragment({
        fragment: BLOCKED,
        data: { __typename: 'User', id, isBlocked: false },
      });
    setBlockedFlag(cache, 'u1', true);
    setBlockedFlag(cache, 'nobody', true);
    const read = (id: string) =>
      cache.readFragment<{ isBlocked: boolean }>({ id: `User:${id}`, fragment: BLOCKED });
    expect(read('u1')?.isBlocked).toBe(true);
    expect(read('u2')?.isBlocked).toBe(false);
    expect(read('nobody')).toBeNull();
    setBlockedFlag(cache, 'u1', false);
    expect(read('u1')?.isBlocked).toBe(false);
  });

  it('writeProfile updates the cached person and says whether there was one', () => {
    const cache = createCache();
    cache.writeFragment({
      fragment: PROFILE,
      data: {
        __typename: 'User',
        id: 'u1',
        name: 'Ada',
        presence: { __typename: 'Presence', status: 'OFFLINE' },
      },
    });
    const update = {
      __typename: 'User' as const,
      id: 'u1',
      name: 'Ada L.',
      presence: { __typename: 'Presence' as const, status: 'ONLINE' as const },
    };
    expect(writeProfile(cache, update)).toBe(true);
    expect(cache.readFragment({ id: 'User:u1', fragment: PROFILE })).toMatchObject({
      name: 'Ada L.',
      presence: { status: 'ONLINE' },
    });
    expect(writeProfile(cache, { ...update, id: 'u9' })).toBe(false);
  });
});
