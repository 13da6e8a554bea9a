import { useEffect } from 'react';

/** Largest number shown, as the server's push badge (MAX_BADGE). */
const MAX_BADGE = 999;

/** The app badge: unread messages over the conversations that are not muted. */
export function unreadBadge(conversations: readonly { unreadCount: number; muted: boolean }[]) {
  let total = 0;
  for (const c of conversations) if (!c.muted) total += Math.max(0, c.unreadCount);
  return Math.min(total, MAX_BADGE);
}

type BadgeNavigator = Navigator & {
  setAppBadge?: (n?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
};

/**
 * Keeps the installed app's badge equal to `count` while the app is open (the service worker sets
 * it from each push while it is closed). Where the Badging API is missing this does nothing.
 */
export function useAppBadge(count: number): void {
  useEffect(() => {
    const nav = navigator as BadgeNavigator;
    const done = count > 0 ? nav.setAppBadge?.(count) : nav.clearAppBadge?.();
    void done?.catch(() => undefined);
  }, [count]);
}
