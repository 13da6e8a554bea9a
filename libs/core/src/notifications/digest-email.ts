import { OutgoingMail } from './mail-sender.port';

/** Most conversations listed in one digest, previews per conversation, characters per preview. */
export const DIGEST_MAX_CONVERSATIONS = 20;
export const DIGEST_PREVIEWS = 3;
export const DIGEST_PREVIEW_CHARS = 200;
const NAME_CHARS = 100;

export interface DigestPreview {
  senderName: string;
  /** The message text; null when the tenant leaves message text out of notifications. */
  text: string | null;
  attachmentOnly: boolean;
}

export interface DigestSection {
  conversationName: string;
  unreadCount: number;
  previews: DigestPreview[];
}

export interface DigestContent {
  to: string;
  sections: DigestSection[];
  /** Where the reader opens the app (PUBLIC_URL), '' when unknown. */
  appUrl: string;
  /** The unsubscribe link (GET shows a confirmation, POST turns digests off). */
  unsubscribeUrl: string;
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Text that is safe to show: control, format (bidi overrides, zero-width) and unpaired surrogate
 * characters become spaces, runs of whitespace fold, and the result is cut to `max` characters.
 */
export function displayText(value: string, max: number): string {
  const cleaned = value
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  const chars = Array.from(cleaned);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : cleaned;
}

const previewText = (p: DigestPreview): string =>
  p.text === null
    ? 'New message'
    : p.attachmentOnly && p.text === ''
      ? 'Sent an attachment'
      : displayText(p.text, DIGEST_PREVIEW_CHARS);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The digest mail: a text and an HTML body listing each conversation with its unread count and its
 * last few messages. Every piece of user content is cleaned and HTML-escaped; the unsubscribe
 * link is in both bodies and in the List-Unsubscribe headers (RFC 8058 one-click).
 */
export function renderDigestEmail(content: DigestContent): OutgoingMail {
  const sections = content.sections.slice(0, DIGEST_MAX_CONVERSATIONS).map((s) => ({
    name: displayText(s.conversationName, NAME_CHARS) || 'Conversation',
    count: Math.max(0, Math.floor(s.unreadCount)),
    previews: s.previews.slice(-DIGEST_PREVIEWS).map((p) => ({
      sender: displayText(p.senderName, NAME_CHARS) || 'Someone',
      text: previewText(p),
    })),
  }));
  const total = sections.reduce((sum, s) => sum + s.count, 0);
  const subject = `${plural(total, 'unread message')} in ${plural(sections.length, 'conversation')}`;
  const text = [
    `You have ${plural(total, 'unread message')} on Chatter.`,
    '',
    ...sections.flatMap((s) => [
      `${s.name} (${s.count} unread)`,
      ...s.previews.map((p) => `  ${p.sender}: ${p.text}`),
      '',
    ]),
    ...(content.appUrl ? [`Open Chatter: ${content.appUrl}`] : []),
    `Stop these e-mails: ${content.unsubscribeUrl}`,
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>Chatter</title></head>',
    '<body style="font-family:sans-serif;color:#222">',
    `<p>You have ${e(plural(total, 'unread message'))} on Chatter.</p>`,
    ...sections.map(
      (s) =>
        `<div class="conversation"><h3>${e(s.name)} <small>(${s.count} unread)</small></h3><ul>` +
        s.previews.map((p) => `<li><b>${e(p.sender)}</b>: ${e(p.text)}</li>`).join('') +
        '</ul></div>',
    ),
    ...(content.appUrl ? [`<p><a href="${e(content.appUrl)}">Open Chatter</a></p>`] : []),
    `<p style="font-size:small"><a href="${e(content.unsubscribeUrl)}">Unsubscribe from e-mail digests</a></p>`,
    '</body></html>',
  ].join('\n');
  return {
    to: content.to,
    subject: `Chatter: ${subject}`,
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${content.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** The verification mail: the 6-digit code in both bodies. */
export function renderVerificationEmail(to: string, code: string): OutgoingMail {
  return {
    to,
    subject: `Chatter: your verification code is ${code}`,
    text: `Enter this code in Chatter to receive notification e-mail at this address: ${code}\n\nIt is valid for 15 minutes. If you did not ask for it, ignore this mail.\n`,
    html: `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Chatter</title></head><body style="font-family:sans-serif"><p>Enter this code in Chatter to receive notification e-mail at this address:</p><p style="font-size:24px"><b>${escapeHtml(code)}</b></p><p>It is valid for 15 minutes. If you did not ask for it, ignore this mail.</p></body></html>`,
  };
}
