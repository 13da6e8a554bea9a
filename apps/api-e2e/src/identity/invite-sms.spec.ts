import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, codeOf, gql, nextPhone, ok, removeDataDir } from '../support';
import {
  expectCode,
  expectNoUnexpectedErrors,
  REQUEST_CODE,
  SmsReceiver,
  startBuiltApi,
  VERIFY_CODE,
} from './identity-helpers';

/**
 * Invitations by SMS (sendInvite) through the configured sender (here the webhook sender and a
 * local gateway): only to numbers without an account, limited per inviter and per number.
 */
const SEND_INVITE = 'mutation($p:String!){ sendInvite(phone:$p){ sent to } }';

describe('sendInvite', () => {
  let api: ApiProcess;
  const sms = new SmsReceiver();
  let ada: { token: string; phone: string };
  let bobPhone: string;

  const signUp = async (name: string) => {
    const phone = nextPhone();
    await ok(api, REQUEST_CODE, { p: phone, t: null });
    const code = await sms.codeFor(phone);
    const data = await ok<{ verifyLoginCode: { accessToken: string } }>(api, VERIFY_CODE, {
      p: phone,
      c: code,
      n: name,
      t: null,
    });
    return { token: data.verifyLoginCode.accessToken, phone };
  };

  beforeAll(async () => {
    await sms.start();
    api = await startBuiltApi({ SMS_WEBHOOK_URL: sms.url, INVITES_PER_USER_PER_DAY: '4' });
    ada = await signUp('Ada Lovelace');
    bobPhone = (await signUp('Bob')).phone;
  }, 60_000);

  afterAll(async () => {
    if (api) {
      expectNoUnexpectedErrors(api);
      await api.stop();
      removeDataDir(api);
    }
    await sms.stop();
  });

  it('texts a number without an account, once a day, and refuses registered numbers', async () => {
    const invitee = nextPhone();
    const sent = await ok(api, SEND_INVITE, { p: invitee }, ada.token);
    expect(sent).toEqual({ sendInvite: { sent: true, to: invitee } });
    await expect.poll(() => sms.for(invitee), { timeout: 5_000 }).toHaveLength(1);
    expect(sms.for(invitee)[0]).toEqual({
      to: invitee,
      purpose: 'invitation',
      text: 'Ada Lovelace invited you to Chatter. Sign up with this phone number to chat with them.',
      tenant: 'default',
    });

    expectCode(await gql(api, SEND_INVITE, { p: invitee }, ada.token), 'RATE_LIMITED');
    expectCode(await gql(api, SEND_INVITE, { p: bobPhone }, ada.token), 'CONFLICT', 'phone');
    expect(codeOf(await gql(api, SEND_INVITE, { p: nextPhone() }))).toBe('UNAUTHENTICATED');
    // Every attempt counts against Ada, refused ones too: the fourth is her last today.
    await ok(api, SEND_INVITE, { p: nextPhone() }, ada.token);
    expectCode(await gql(api, SEND_INVITE, { p: nextPhone() }, ada.token), 'RATE_LIMITED');
    expect(sms.received.filter((m) => m.purpose === 'invitation')).toHaveLength(2);
  });
});
