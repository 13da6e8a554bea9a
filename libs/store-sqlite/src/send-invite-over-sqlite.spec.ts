import {
  CoreSettings,
  InMemoryRateLimiter,
  SendInvite,
  SmsSender,
  invitationText,
  type Actor,
  type SmsMessage,
} from '@chatter/core';
import { aTenantId, aUser } from '@chatter/testing';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store';

/** The core's SendInvite over a real (in-memory) SQLite store: who may be invited, how often. */

class RecordingSms extends SmsSender {
  readonly sent: SmsMessage[] = [];
  async send(message: SmsMessage): Promise<void> {
    this.sent.push(message);
  }
}

let store: SqliteStore;
let sms: RecordingSms;
let ada: Actor;
let t: string;
const invite = (settings: Partial<CoreSettings> = {}) =>
  new SendInvite(store.users, new InMemoryRateLimiter(), sms, new CoreSettings(settings));

beforeEach(async () => {
  store = SqliteStore.open({ file: ':memory:' });
  sms = new RecordingSms();
  t = aTenantId();
  const user = await store.users.create(aUser(t, { name: 'Ada', phone: '+14155552671' }));
  await store.users.create(aUser(t, { name: 'Bob', phone: '+14155552672' }));
  ada = { tenantId: t, userId: user.id, sessionId: null };
});

describe('SendInvite', () => {
  it('texts a number without an account through the SMS sender, as an invitation', async () => {
    await expect(invite().execute(ada, '+1 415 555 2673')).resolves.toEqual({
      sent: true,
      to: '+14155552673',
    });
    expect(sms.sent).toEqual([
      {
        to: '+14155552673',
        purpose: 'invitation',
        text: 'Ada invited you to Chatter. Sign up with this phone number to chat with them.',
        tenant: t,
      },
    ]);
  });

  it('refuses registered numbers, my own number and nonsense, sending nothing', async () => {
    const useCase = invite();
    await expect(useCase.execute(ada, '+14155552672')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(useCase.execute(ada, '+14155552671')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(useCase.execute(ada, 'call me')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(sms.sent).toEqual([]);
  });

  it('limits invitations per inviter and per number, and is off at a limit of 0', async () => {
    // A refused repeat still counts against the inviter (it also bounds probing for accounts).
    const useCase = invite({ invitesPerUser: { limit: 3, windowMs: 60_000 } });
    await useCase.execute(ada, '+14155552680');
    await expect(useCase.execute(ada, '+14155552680')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    await useCase.execute(ada, '+14155552681');
    await expect(useCase.execute(ada, '+14155552682')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(sms.sent.map((m) => m.to)).toEqual(['+14155552680', '+14155552681']);
    await expect(
      invite({ invitesPerUser: { limit: 0, windowMs: 60_000 } }).execute(ada, '+14155552690'),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('shares the tenant SMS budget with login codes', async () => {
    const useCase = invite({ smsPerTenant: { limit: 1, windowMs: 60_000 } });
    await useCase.execute(ada, '+14155552683');
    await expect(useCase.execute(ada, '+14155552684')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(sms.sent).toHaveLength(1);
  });
});

describe('invitationText', () => {
  it('carries at most 40 characters of any name, without control or format characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (name) => {
        const text = invitationText(name);
        expect(text).toMatch(
          / invited you to Chatter\. Sign up with this phone number to chat with them\.$/,
        );
        const who = text.slice(0, text.indexOf(' invited you'));
        expect([...who].length).toBeLessThanOrEqual(40);
        expect(who).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
        expect(who.length).toBeGreaterThan(0);
      }),
    );
    expect(invitationText('  \u202e\n ')).toMatch(/^Someone invited/);
    expect(invitationText('Ada', 'https://chat.example.com/')).toBe(
      'Ada invited you to Chatter. Sign up with this phone number at https://chat.example.com/ to chat with them.',
    );
  });
});
