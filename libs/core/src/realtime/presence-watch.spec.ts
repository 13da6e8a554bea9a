import { describe, expect, it } from 'vitest';
import { PresenceWatch } from './presence-watch';

describe('PresenceWatch', () => {
  it('follows each user once, never the caller, and grows as users are added', async () => {
    const followed: string[] = [];
    const watch = new PresenceWatch('me', 10, async (id) => {
      followed.push(id);
    });
    await watch.add(['a', 'me', 'b', 'a']);
    await watch.add(['b', 'c']);
    expect(followed).toEqual(['a', 'b', 'c']);
    expect(watch.has('c')).toBe(true);
    expect(watch.has('me')).toBe(false);
    expect(watch.size).toBe(3);
  });

  it('stops at its cap', async () => {
    const followed: string[] = [];
    const watch = new PresenceWatch('me', 2, async (id) => {
      followed.push(id);
    });
    await watch.add(['a', 'b', 'c']);
    await watch.add(['d']);
    expect(followed).toEqual(['a', 'b']);
    expect(watch.size).toBe(2);
  });
});
