import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import {
  DIGEST_PREVIEW_CHARS,
  DigestSection,
  displayText,
  escapeHtml,
  renderDigestEmail,
  renderVerificationEmail,
} from './digest-email';

const UNSUBSCRIBE = 'https://chat.example.com/email/unsubscribe?token=abc.def';

const render = (sections: DigestSection[]) =>
  renderDigestEmail({
    to: 'ada@example.com',
    sections,
    appUrl: 'https://chat.example.com',
    unsubscribeUrl: UNSUBSCRIBE,
  });

const { DOMParser } = new JSDOM('').window;
const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');

describe('digest e-mail rendering', () => {
  it('lists each conversation with its unread count and previews, and the unsubscribe link', () => {
    const mail = render([
      {
        conversationName: 'Team',
        unreadCount: 3,
        previews: [
          { senderName: 'Bob', text: 'first', attachmentOnly: false },
          { senderName: 'Cy', text: '', attachmentOnly: true },
        ],
      },
    ]);
    expect(mail.subject).toBe('Chatter: 3 unread messages in 1 conversation');
    expect(mail.text).toContain('Team (3 unread)');
    expect(mail.text).toContain('  Bob: first');
    expect(mail.text).toContain('  Cy: Sent an attachment');
    expect(mail.text).toContain(UNSUBSCRIBE);
    expect(mail.headers).toEqual({
      'List-Unsubscribe': `<${UNSUBSCRIBE}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    const doc = parse(mail.html);
    expect(doc.querySelector('h3')?.textContent).toBe('Team (3 unread)');
    expect([...doc.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Bob: first',
      'Cy: Sent an attachment',
    ]);
    const links = [...doc.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toContain(UNSUBSCRIBE);
  });

  it('shows "New message" when the text is left out (privacy option)', () => {
    const mail = render([
      {
        conversationName: 'Team',
        unreadCount: 1,
        previews: [{ senderName: 'Bob', text: null, attachmentOnly: false }],
      },
    ]);
    expect(mail.text).toContain('Bob: New message');
    expect(parse(mail.html).querySelector('li')?.textContent).toBe('Bob: New message');
  });

  it('escapes hostile content: markup, $& patterns, quotes', () => {
    const hostile = '<script>alert(1)</script> $& $1 $` "\' <img src=x onerror=alert(1)>';
    const mail = render([
      {
        conversationName: '<b>"Team"</b> $&',
        unreadCount: 1,
        previews: [{ senderName: '<i>Eve</i>', text: hostile, attachmentOnly: false }],
      },
    ]);
    expect(mail.html).not.toMatch(/<script|<img|<i>|<b>&#34;/);
    const doc = parse(mail.html);
    expect(doc.querySelectorAll('script, img').length).toBe(0);
    expect(doc.querySelector('li')?.textContent).toBe(`<i>Eve</i>: ${hostile}`);
    expect(doc.querySelector('h3')?.textContent).toBe('<b>"Team"</b> $& (1 unread)');
    expect(mail.text).toContain(hostile);
  });

  it('any names and bodies stay text: the HTML structure never changes (property)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.constantFrom('<script>x</script>', '</li></ul>', '"><a href=x>', '$&', '&amp;', '\u202e'),
    );
    const section = fc.record({
      conversationName: text,
      unreadCount: fc.nat(10_000),
      previews: fc.array(
        fc.record({
          senderName: text,
          text: fc.option(text, { nil: null }),
          attachmentOnly: fc.boolean(),
        }),
        { maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(fc.array(section, { maxLength: 4 }), (sections) => {
        const mail = render(sections);
        const doc = parse(mail.html);
        expect(doc.querySelectorAll('script, img, iframe, style').length).toBe(0);
        expect(doc.querySelectorAll('div.conversation').length).toBe(sections.length);
        expect(doc.querySelectorAll('a').length).toBe(2);
        const items = [...doc.querySelectorAll('li')];
        const expected = sections.flatMap((s) =>
          s.previews.slice(-3).map((p) => {
            const sender = displayText(p.senderName, 100) || 'Someone';
            const body =
              p.text === null
                ? 'New message'
                : p.attachmentOnly && p.text === ''
                  ? 'Sent an attachment'
                  : displayText(p.text, DIGEST_PREVIEW_CHARS);
            return `${sender}: ${body}`;
          }),
        );
        expect(items.map((li) => li.textContent)).toEqual(expected);
        expect(mail.html).not.toMatch(
          /<(?!\/?(?:!DOCTYPE|html|head|meta|title|body|p|div|h3|small|ul|li|b|a)[\s>])/i,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('cleans control and bidi characters and caps the length', () => {
    expect(displayText('a\u0000b\u202ec\n\nd', 100)).toBe('a b c d');
    const long = displayText('x'.repeat(500), DIGEST_PREVIEW_CHARS);
    expect(Array.from(long)).toHaveLength(DIGEST_PREVIEW_CHARS);
    expect(long.endsWith('…')).toBe(true);
    expect(escapeHtml(`<>&"'\``)).toBe('&#60;&#62;&#38;&#34;&#39;&#96;');
  });

  it('puts the code in the verification mail', () => {
    const mail = renderVerificationEmail('ada@example.com', '012345');
    expect(mail.subject).toContain('012345');
    expect(mail.text).toContain('012345');
    expect(parse(mail.html).querySelector('b')?.textContent).toBe('012345');
  });
});
