/** What the server pushes (libs/core notification-payload.ts). */
export interface PushPayload {
  v: 1;
  type: 'MESSAGE' | 'TEST';
  title: string;
  body: string;
  tag: string;
  url: string;
  conversationId: string | null;
  messageId: string | null;
  mention: boolean;
  badge: number | null;
  sentAt: string;
}

/**
 * The notification for a push: one per conversation (the tag), a new one replacing the old and
 * alerting again; text as plain text (notifications render no markup).
 */
export function notificationFor(payload: PushPayload | null): {
  title: string;
  options: NotificationOptions & { renotify?: boolean };
} {
  if (!payload || typeof payload.title !== 'string')
    return { title: 'Chatter', options: { body: 'You have new messages.', tag: 'chatter' } };
  return {
    title: payload.title.slice(0, 120) || 'Chatter',
    options: {
      body: (payload.mention ? '@ ' : '') + String(payload.body ?? '').slice(0, 300),
      tag: String(payload.tag || 'chatter'),
      renotify: true,
      icon: '/icons/icon-192.png',
      badge: '/icons/badge-96.png',
      data: { url: String(payload.url || '/'), conversationId: payload.conversationId },
      timestamp: Date.parse(payload.sentAt) || undefined,
    } as NotificationOptions,
  };
}
