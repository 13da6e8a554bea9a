import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from './router';

describe('router', () => {
  it('round-trips every route, including opening a conversation at a message', () => {
    const routes: Route[] = [
      { view: 'home' },
      { view: 'conversation', conversationId: 'c1' },
      { view: 'conversation', conversationId: 'c1', panel: 'details' },
      { view: 'conversation', conversationId: 'c/ü', jump: { messageId: 'm 1', seq: 42 } },
      { view: 'contacts' },
      { view: 'settings' },
      { view: 'new', tab: 'channels' },
    ];
    for (const r of routes) {
      const parsed = parseRoute(routeHref(r));
      expect(parsed).toMatchObject(r);
    }
  });

  it('ignores a malformed message position', () => {
    expect(parseRoute('#/c/c1/m/m1/abc')).toEqual({
      view: 'conversation',
      conversationId: 'c1',
      panel: undefined,
    });
    expect(parseRoute('#/c/c1/m/m1/0')).not.toHaveProperty('jump.seq', 0);
  });
});
