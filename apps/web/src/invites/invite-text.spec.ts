import { describe, expect, it } from 'vitest';
import { appUrl, inviteText, smsHref } from './invite-text';

describe('invitations', () => {
  it('names the inviter and where to sign up', () => {
    expect(inviteText('Ada 🚀', 'http://chat.lan:3000/')).toBe(
      'Ada 🚀 invites you to chat on Chatter. Sign up with this phone number at http://chat.lan:3000/',
    );
    expect(inviteText('  ', 'https://c.example/')).toMatch(/^You are invited to chat/);
  });

  it('makes an sms: link with the number and the whole text encoded', () => {
    const href = smsHref('+14155550199', 'Hi & welcome? 100% 👋');
    expect(href).toBe(`sms:+14155550199?body=${encodeURIComponent('Hi & welcome? 100% 👋')}`);
    expect(decodeURIComponent(href.split('body=')[1]!)).toBe('Hi & welcome? 100% 👋');
  });

  it('points at the app without its route or query', () => {
    expect(appUrl({ origin: 'http://chatter.test:3000', pathname: '/' })).toBe(
      'http://chatter.test:3000/',
    );
  });
});
