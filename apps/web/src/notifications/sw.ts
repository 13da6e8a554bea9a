/// <reference lib="webworker" />
// The service worker: caches the app shell, leaves GraphQL (and WebSockets, which never pass
// through a worker) to the network, and shows push notifications.
import { notificationFor, type PushPayload } from './push-payload';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: { url: string; revision: string | null }[];
};

const SHELL_CACHE = 'chatter-shell-v1';
const MANIFEST = self.__WB_MANIFEST;
const precache = MANIFEST.map((e) =>
  new URL(e.url + (e.revision ? `?__rev=${e.revision}` : ''), self.location.origin).toString(),
);
const shellUrls = new Set(MANIFEST.map((e) => new URL(e.url, self.location.origin).pathname));

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await Promise.all(
        MANIFEST.map(async (entry, i) => {
          const response = await fetch(precache[i]!, { cache: 'no-cache' });
          if (response.ok) await cache.put(new URL(entry.url, self.location.origin), response);
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== SHELL_CACHE) await caches.delete(key);
      const cache = await caches.open(SHELL_CACHE);
      // Files of an older build leave the cache.
      for (const request of await cache.keys())
        if (!shellUrls.has(new URL(request.url).pathname)) await cache.delete(request);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // GraphQL, files, health and anything not ours go straight to the network.
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/graphql') || url.pathname.startsWith('/files')) return;
  if (request.mode === 'navigate') {
    // Network first, so a new build is picked up; the cached shell when offline.
    event.respondWith(
      fetch(request).catch(async () => (await caches.match('/index.html')) ?? Response.error()),
    );
    return;
  }
  if (shellUrls.has(url.pathname))
    event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
});

self.addEventListener('push', (event) => {
  let payload: PushPayload | null = null;
  try {
    payload = event.data ? (event.data.json() as PushPayload) : null;
  } catch {
    payload = null;
  }
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // The user is looking at Chatter: the open tab shows the message itself.
      if (payload?.type === 'MESSAGE' && windows.some((w) => w.focused)) return;
      const { title, options } = notificationFor(payload);
      await self.registration.showNotification(title, options);
      const shown = await self.registration.getNotifications();
      const conversations = new Set(
        shown.map((n) => n.tag).filter((t) => t.startsWith('conversation:')),
      );
      const nav = self.navigator as Navigator & { setAppBadge?: (n: number) => Promise<void> };
      await nav.setAppBadge?.(payload?.badge ?? conversations.size).catch(() => undefined);
    })(),
  );
});

/** What a click on a notification does: focus an open tab on that conversation, or open one. */
async function openNotification(notification: Notification): Promise<void> {
  notification.close();
  const target = new URL(
    (notification.data as { url?: string } | null)?.url ?? '/',
    self.location.origin,
  );
  // Only our own pages open from a notification.
  const url = target.origin === self.location.origin ? target.toString() : self.location.origin;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const existing = windows[0];
  if (existing) {
    await existing.focus().catch(() => undefined);
    existing.postMessage({ type: 'chatter:open', url });
    return;
  }
  await self.clients.openWindow(url);
}

self.addEventListener('notificationclick', (event) => {
  event.waitUntil(openNotification(event.notification));
});

// Automated browser tests cannot click a system notification: a page of ours may ask the worker
// to activate one of its notifications by tag, through the same code path as a click.
self.addEventListener('message', (event) => {
  const data = event.data as { type?: string; tag?: string } | null;
  if (data?.type !== 'chatter:activate-notification' || typeof data.tag !== 'string') return;
  event.waitUntil(
    self.registration.getNotifications({ tag: data.tag }).then(async (found) => {
      if (found[0]) await openNotification(found[0]);
    }),
  );
});
