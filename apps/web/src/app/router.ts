// A hash router is enough: the server serves index.html at / only, and hash routes survive
// reloads without any server-side fallback.
import { useSyncExternalStore } from 'react';

export type Route =
  | { view: 'home' }
  | {
      view: 'conversation';
      conversationId: string;
      panel?: 'details' | 'search';
      /** Open at this message (a search result from another conversation). */
      jump?: { messageId: string; seq: number };
    }
  | { view: 'contacts' }
  | { view: 'settings' }
  | { view: 'admin'; tab: AdminTab }
  | { view: 'new'; tab?: 'direct' | 'group' | 'channels' };

/** The sections of the community administration area. */
export type AdminTab = 'reports' | 'users' | 'channels' | 'audit' | 'settings';
const ADMIN_TABS: readonly AdminTab[] = ['reports', 'users', 'channels', 'audit', 'settings'];

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'c': {
      if (!parts[1]) return { view: 'home' };
      const seq = Number(parts[4]);
      if (parts[2] === 'm' && parts[3] && Number.isInteger(seq) && seq > 0)
        return {
          view: 'conversation',
          conversationId: parts[1],
          jump: { messageId: parts[3], seq },
        };
      return {
        view: 'conversation',
        conversationId: parts[1],
        panel: parts[2] === 'details' || parts[2] === 'search' ? parts[2] : undefined,
      };
    }
    case 'contacts':
      return { view: 'contacts' };
    case 'settings':
      return { view: 'settings' };
    case 'admin':
      return {
        view: 'admin',
        tab: ADMIN_TABS.includes(parts[1] as AdminTab) ? (parts[1] as AdminTab) : 'reports',
      };
    case 'new':
      return {
        view: 'new',
        tab: parts[1] === 'group' || parts[1] === 'channels' ? parts[1] : 'direct',
      };
    default:
      return { view: 'home' };
  }
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'home':
      return '#/';
    case 'conversation': {
      const base = `#/c/${encodeURIComponent(route.conversationId)}`;
      if (route.jump)
        return `${base}/m/${encodeURIComponent(route.jump.messageId)}/${route.jump.seq}`;
      return `${base}${route.panel ? `/${route.panel}` : ''}`;
    }
    case 'contacts':
      return '#/contacts';
    case 'settings':
      return '#/settings';
    case 'admin':
      return `#/admin/${route.tab}`;
    case 'new':
      return `#/new${route.tab && route.tab !== 'direct' ? `/${route.tab}` : ''}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}

export function useRoute(): Route {
  return parseRoute(useHash());
}
