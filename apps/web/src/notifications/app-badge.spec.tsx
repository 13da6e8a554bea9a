import { render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unreadBadge, useAppBadge } from './app-badge';

function Badge({ count }: { count: number }) {
  useAppBadge(count);
  return null;
}

describe('app badge', () => {
  afterEach(() => {
    delete (navigator as { setAppBadge?: unknown }).setAppBadge;
    delete (navigator as { clearAppBadge?: unknown }).clearAppBadge;
  });

  it('counts unread messages of conversations that are not muted, capped', () => {
    expect(unreadBadge([])).toBe(0);
    expect(
      unreadBadge([
        { unreadCount: 3, muted: false },
        { unreadCount: 40, muted: true },
        { unreadCount: 2, muted: false },
      ]),
    ).toBe(5);
    expect(unreadBadge([{ unreadCount: 5000, muted: false }])).toBe(999);
  });

  it('sets the badge while the app is open and clears it at zero', () => {
    const setAppBadge = vi.fn(() => Promise.resolve());
    const clearAppBadge = vi.fn(() => Promise.resolve());
    Object.assign(navigator, { setAppBadge, clearAppBadge });
    const view = render(<Badge count={4} />);
    expect(setAppBadge).toHaveBeenLastCalledWith(4);
    view.rerender(<Badge count={0} />);
    expect(clearAppBadge).toHaveBeenCalledTimes(1);
  });

  it('does nothing where the Badging API is missing', () => {
    expect(() => render(<Badge count={2} />)).not.toThrow();
  });
});
