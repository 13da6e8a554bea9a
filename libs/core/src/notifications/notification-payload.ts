import { ConversationKind } from '../messaging/conversation';

/** Web Push allows 4,096 bytes of record; aes128gcm takes 103 of them (header, tag, padding). */
export const MAX_PUSH_PAYLOAD_BYTES = 3_800;
/** Text of a message shown in a notification at most (code points). */
export const MAX_PREVIEW_LENGTH = 300;

/** What the service worker receives (JSON). `tag` groups notifications per conversation. */
export interface NotificationPayload {
  v: 1;
  type: 'MESSAGE' | 'TEST';
  title: string;
  body: string;
  tag: string;
  /** Path to open on click. */
  url: string;
  conversationId: string | null;
  messageId: string | null;
  mention: boolean;
  /** The recipient's unread messages, muted conversations left out (app badge), when known. */
  badge: number | null;
  sentAt: string;
}

const cut = (text: string, max: number): string => {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
};

const bytes = (payload: NotificationPayload): number =>
  Buffer.byteLength(JSON.stringify(payload), 'utf8');

/** Shrinks the body (then the title) until the JSON fits MAX_PUSH_PAYLOAD_BYTES. */
export function fitPayload(payload: NotificationPayload): string {
  let p = {
    ...payload,
    title: cut(payload.title, 120),
    body: cut(payload.body, MAX_PREVIEW_LENGTH),
  };
  while (bytes(p) > MAX_PUSH_PAYLOAD_BYTES && Array.from(p.body).length > 1)
    p = { ...p, body: cut(p.body, Math.floor(Array.from(p.body).length / 2)) };
  if (bytes(p) > MAX_PUSH_PAYLOAD_BYTES) p = { ...p, title: cut(p.title, 20), body: '' };
  return JSON.stringify(p);
}

export interface MessagePayloadInput {
  conversationId: string;
  conversationKind: ConversationKind;
  conversationTitle: string | null;
  messageId: string;
  senderName: string;
  /** Null for a deleted message or when the tenant omits message text. */
  text: string | null;
  attachmentOnly: boolean;
  mention: boolean;
  badge: number | null;
  sentAt: Date;
}

/** The push payload for a message, within the size limit, text left out when `text` is null. */
export function messagePayload(input: MessagePayloadInput): string {
  const where =
    input.conversationKind === 'DIRECT' || !input.conversationTitle
      ? input.senderName
      : `${input.senderName} in ${input.conversationTitle}`;
  const body =
    input.text === null
      ? input.mention
        ? 'mentioned you'
        : 'New message'
      : input.text.length > 0
        ? input.text.replace(/\s+/gu, ' ').trim()
        : input.attachmentOnly
          ? 'Sent an attachment'
          : 'New message';
  return fitPayload({
    v: 1,
    type: 'MESSAGE',
    title: where,
    body,
    tag: `conversation:${input.conversationId}`,
    url: `/#/c/${encodeURIComponent(input.conversationId)}`,
    conversationId: input.conversationId,
    messageId: input.messageId,
    mention: input.mention,
    badge: input.badge,
    sentAt: input.sentAt.toISOString(),
  });
}

export function testPayload(sentAt: Date): string {
  return fitPayload({
    v: 1,
    type: 'TEST',
    title: 'Chatter',
    body: 'Notifications work on this device.',
    tag: 'test',
    url: '/#/settings',
    conversationId: null,
    messageId: null,
    mention: false,
    badge: null,
    sentAt: sentAt.toISOString(),
  });
}
