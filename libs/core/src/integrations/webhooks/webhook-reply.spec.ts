import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhookReply } from './webhook-reply';

describe('parseWebhookReply (post-back answers)', () => {
  it('returns any non-empty text exactly as the receiver sent it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300, unit: 'binary' }), (text) => {
        const reply = parseWebhookReply(JSON.stringify({ text }), 'application/json');
        expect(reply).toEqual({ kind: 'text', text });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary answers; non-JSON answers that do not claim JSON ask for nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), fc.boolean(), (body, json) => {
        const reply = parseWebhookReply(body, json ? 'application/json' : 'text/plain');
        if (reply.kind === 'text')
          expect(reply.text).toBe((JSON.parse(body) as { text: string }).text);
        if (!json)
          expect(reply.kind === 'invalid' && !body.trimStart().startsWith('{')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['', 'application/json', { kind: 'none' }],
    ['ok', 'text/plain', { kind: 'none' }],
    ['{"ok":true}', 'application/json', { kind: 'none' }],
    ['{"text": ', 'application/json', { kind: 'invalid', reason: 'reply is not valid JSON' }],
    ['[1]', 'application/json', { kind: 'invalid', reason: 'reply must be a JSON object' }],
    ['{"text": 5}', null, { kind: 'invalid', reason: 'reply text must be a non-empty string' }],
    ['{"text": ""}', null, { kind: 'invalid', reason: 'reply text must be a non-empty string' }],
    [`{"text":"${'a'.repeat(17_000)}"}`, null, { kind: 'invalid', reason: 'reply too large' }],
  ])('%s (%s)', (body, type, expected) => {
    expect(parseWebhookReply(body, type)).toEqual(expected);
  });

  it('an answer larger than the transport reads is invalid', () => {
    expect(parseWebhookReply(null, 'application/json')).toEqual({
      kind: 'invalid',
      reason: 'reply too large',
    });
  });
});
