import { INCOMING_WEBHOOK_MAX_BYTES } from './webhook';

/** What a receiver's 2xx answer asks for. */
export type WebhookReply =
  { kind: 'none' } | { kind: 'text'; text: string } | { kind: 'invalid'; reason: string };

/**
 * Reads a receiver's answer as a post-back (a Slack-compatible subset: JSON `{"text": "..."}`).
 * An empty answer, a non-JSON answer that does not claim to be JSON (e.g. "ok"), and a JSON object
 * without `text` ask for nothing; JSON that is malformed, too large, or has a `text` that is not a
 * non-empty string is invalid. The text is returned exactly as sent.
 */
export function parseWebhookReply(body: string | null, contentType: string | null): WebhookReply {
  if (body === null) return { kind: 'invalid', reason: 'reply too large' };
  if (body.trim() === '') return { kind: 'none' };
  const claimsJson = /\bjson\b/i.test(contentType ?? '');
  if (Buffer.byteLength(body) > INCOMING_WEBHOOK_MAX_BYTES)
    return claimsJson || body.trimStart().startsWith('{')
      ? { kind: 'invalid', reason: 'reply too large' }
      : { kind: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return claimsJson ? { kind: 'invalid', reason: 'reply is not valid JSON' } : { kind: 'none' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return claimsJson
      ? { kind: 'invalid', reason: 'reply must be a JSON object' }
      : { kind: 'none' };
  if (!Object.prototype.hasOwnProperty.call(parsed, 'text')) return { kind: 'none' };
  const text = (parsed as { text: unknown }).text;
  if (typeof text !== 'string' || text.length === 0)
    return { kind: 'invalid', reason: 'reply text must be a non-empty string' };
  return { kind: 'text', text };
}
