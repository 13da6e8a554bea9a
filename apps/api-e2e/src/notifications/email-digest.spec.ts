import { LocalSmtpServer, ReceivedMail } from '@chatter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir } from '../support';
import {
  ADMIN_TOKEN,
  User,
  appUser,
  createGroup,
  createTenant,
  expectCode,
  expectNoUnexpectedErrors,
  openDm,
  startMessagingApi,
} from '../messaging/messaging-helpers';
import { sendText, setLevel, updateSettings } from './notification-helpers';

const LINK_BASE = 'https://chat.example.test';
const DELAY_SECONDS = 2;
/** Long enough for a digest that would come (delay + queue tick + SMTP). */
const QUIET_WAIT_MS = DELAY_SECONDS * 1000 + 2500;

const EMAIL_FIELDS = 'available address verified emailDigest codePending';

interface EmailView {
  available: boolean;
  address: string | null;
  verified: boolean;
  emailDigest: boolean;
  codePending: boolean;
}

/** E-mail digests against a local SMTP server: verification, digests, privacy, unsubscribe. */
describe('e-mail digests', () => {
  let api: ApiProcess;
  const smtp = new LocalSmtpServer();
  let addressCounter = 0;

  beforeAll(async () => {
    await smtp.start();
    api = await startMessagingApi({
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Chatter <chatter@example.test>',
      EMAIL_DIGEST_DELAY_SECONDS: String(DELAY_SECONDS),
      EMAIL_LINK_BASE_URL: LINK_BASE,
    });
  });

  afterAll(async () => {
    if (api) {
      expectNoUnexpectedErrors(api);
      await api.stop();
      removeDataDir(api);
    }
    await smtp.stop();
  });

  const myEmail = async (who: User) =>
    (
      await ok<{ myNotificationEmail: EmailView }>(
        api,
        `{ myNotificationEmail { ${EMAIL_FIELDS} } }`,
        {},
        who.token,
      )
    ).myNotificationEmail;

  const setEmail = (who: User, email: string | null) =>
    gql<{ setNotificationEmail: EmailView }>(
      api,
      `mutation($e:String){ setNotificationEmail(email:$e){ ${EMAIL_FIELDS} } }`,
      { e: email },
      who.token,
    );

  const verify = (who: User, code: string) =>
    gql<{ verifyNotificationEmail: EmailView }>(
      api,
      `mutation($c:String!){ verifyNotificationEmail(code:$c){ ${EMAIL_FIELDS} } }`,
      { c: code },
      who.token,
    );

  const codeIn = (mail: ReceivedMail) => /\b(\d{6})\b/.exec(mail.subject)![1]!;

  /** A user with a verified address (digests on). */
  async function verifiedUser(name: string, tenant = 'default', secret?: string) {
    const who = await appUser(api, name, tenant, secret);
    const address = `${name.toLowerCase()}-${++addressCounter}@example.test`;
    const set = await setEmail(who, address);
    expect(set.errors).toBeUndefined();
    const [mail] = await smtp.waitFor(address);
    const result = await verify(who, codeIn(mail!));
    expect(result.data?.verifyNotificationEmail).toMatchObject({
      verified: true,
      emailDigest: true,
    });
    return { who, address };
  }

  const digestsTo = (address: string) =>
    smtp.to(address).filter((m) => m.subject.includes('unread message'));

  async function waitForDigest(address: string, count = 1): Promise<ReceivedMail> {
    const deadline = Date.now() + 15_000;
    while (digestsTo(address).length < count) {
      if (Date.now() > deadline) throw new Error(`no digest to ${address}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return digestsTo(address)[count - 1]!;
  }

  const unsubscribeUrl = (mail: ReceivedMail) => {
    const link = /<(https:\/\/[^>]+)>/.exec(String(mail.headers.get('list-unsubscribe')))![1]!;
    expect(link.startsWith(`${LINK_BASE}/email/unsubscribe?token=`)).toBe(true);
    const url = new URL(link);
    return `${api.url}${url.pathname}${url.search}`;
  };

  it('verifies an address with the mailed code; a wrong code or a bad address is refused', async () => {
    const bob = await appUser(api, 'Bob');
    expect(await myEmail(bob)).toEqual({
      available: true,
      address: null,
      verified: false,
      emailDigest: false,
      codePending: false,
    });
    expectCode(await setEmail(bob, 'not an address'), 'BAD_USER_INPUT');
    expectCode(await setEmail(bob, `${'a'.repeat(250)}@example.test`), 'BAD_USER_INPUT');
    const address = `bob-${++addressCounter}@Example.TEST`;
    const set = await setEmail(bob, address);
    expect(set.data?.setNotificationEmail).toMatchObject({
      address: address.replace('Example.TEST', 'example.test'),
      verified: false,
      codePending: true,
    });
    const [mail] = await smtp.waitFor(address.replace('Example.TEST', 'example.test'));
    expect(mail!.from).toBe('chatter@example.test');
    const code = codeIn(mail!);
    expect(mail!.text).toContain(code);
    const wrong = code === '000000' ? '111111' : '000000';
    expectCode(await verify(bob, wrong), 'BAD_USER_INPUT');
    expect(await myEmail(bob)).toMatchObject({ verified: false, codePending: true });
    const ok_ = await verify(bob, code);
    expect(ok_.data?.verifyNotificationEmail).toMatchObject({ verified: true, emailDigest: true });
    // A new address starts over unverified.
    const other = `bob-${++addressCounter}@example.test`;
    await setEmail(bob, other);
    expect(await myEmail(bob)).toMatchObject({ address: other, verified: false });
    await smtp.waitFor(other);
  });

  it('mails a digest of the unread conversation after the delay, leaving muted ones out and escaping content', async () => {
    const ada = await appUser(api, 'Ada <b>');
    const { who: bob, address } = await verifiedUser('Dana');
    const dm = await openDm(api, ada, bob);
    const muted = await createGroup(api, ada, [bob], 'Muted room');
    await setLevel(api, bob, muted, null, '2999-01-01T00:00:00.000Z');
    const hostile = '<script>alert("x")</script> $& $1 $` & done';
    const started = Date.now();
    await sendText(api, ada, dm, 'hello digest');
    await sendText(api, ada, muted, 'nobody hears this');
    await sendText(api, ada, dm, hostile);
    const mail = await waitForDigest(address);
    expect(mail.at.getTime() - started).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000 - 200);
    expect(mail.subject).toBe('Chatter: 2 unread messages in 1 conversation');
    expect(mail.text).toContain('hello digest');
    expect(mail.text).toContain(hostile);
    expect(mail.text).not.toContain('Muted room');
    expect(mail.text).not.toContain('nobody hears this');
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('Ada <b>');
    expect(mail.html).toContain(
      '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; $&#38; $1 $&#96; &#38; done',
    );
    expect(mail.html).toContain('Ada &#60;b&#62;');
    expect(String(mail.headers.get('list-unsubscribe-post'))).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain(`${LINK_BASE}/email/unsubscribe?token=`);
    // One digest per period: the next message waits for its own.
    await sendText(api, ada, dm, 'later');
    await new Promise((r) => setTimeout(r, 300));
    expect(digestsTo(address)).toHaveLength(1);
    const second = await waitForDigest(address, 2);
    expect(second.at.getTime() - mail.at.getTime()).toBeGreaterThanOrEqual(
      DELAY_SECONDS * 1000 - 500,
    );
    expect(second.text).toContain('later');
  });

  it('sends nothing when the message was read before the delay', async () => {
    const ada = await appUser(api, 'Ada');
    const { who: eve, address } = await verifiedUser('Eve');
    const dm = await openDm(api, ada, eve);
    const sent = await sendText(api, ada, dm, 'read quickly');
    await ok(
      api,
      'mutation($c:ID!,$s:Int!){ markRead(conversationId:$c, seq:$s){ id } }',
      { c: dm, s: sent.seq },
      eve.token,
    );
    await new Promise((r) => setTimeout(r, QUIET_WAIT_MS));
    expect(digestsTo(address)).toEqual([]);
  });

  it('follows the notification policy: a mentions-only group without a mention and quiet hours send nothing', async () => {
    const ada = await appUser(api, 'Ada');
    const { who: hal, address } = await verifiedUser('Hal');
    const group = await createGroup(api, ada, [hal], 'Mentions only');
    await setLevel(api, hal, group, 'MENTIONS');
    await sendText(api, ada, group, 'no mention here');
    const { who: ivy, address: ivyAddress } = await verifiedUser('Ivy');
    // Quiet the whole day (but the last minute) in UTC: the digest waits.
    await updateSettings(api, ivy, {
      timeZone: 'UTC',
      quietHours: { startMinute: 0, endMinute: 1439 },
    });
    const dm = await openDm(api, ada, ivy);
    await sendText(api, ada, dm, 'shh');
    await new Promise((r) => setTimeout(r, QUIET_WAIT_MS));
    expect(digestsTo(address)).toEqual([]);
    if (new Date().getUTCHours() * 60 + new Date().getUTCMinutes() < 1438)
      expect(digestsTo(ivyAddress)).toEqual([]);
  });

  it('leaves message text out when the tenant says so', async () => {
    const secret = await createTenant(api, 'private-mail');
    const set = await gql(
      api,
      'mutation{ updateTenantNotificationOptions(id:"private-mail", omitMessageText:true) }',
      {},
      undefined,
      { 'x-admin-token': ADMIN_TOKEN },
    );
    expect(set.data).toEqual({ updateTenantNotificationOptions: true });
    const ada = await appUser(api, 'Ada', 'private-mail', secret);
    const { who: fay, address } = await verifiedUser('Fay', 'private-mail', secret);
    const dm = await openDm(api, ada, fay);
    await sendText(api, ada, dm, 'the secret plan');
    const mail = await waitForDigest(address);
    expect(mail.text).toContain('Ada: New message');
    expect(mail.raw).not.toContain('secret plan');
    expect(mail.html).not.toContain('secret plan');
  });

  it('the unsubscribe link turns digests off without sign-in, idempotently', async () => {
    const ada = await appUser(api, 'Ada');
    const { who: gus, address } = await verifiedUser('Gus');
    const dm = await openDm(api, ada, gus);
    await sendText(api, ada, dm, 'first');
    const mail = await waitForDigest(address);
    const url = unsubscribeUrl(mail);
    // As a browser opens it (a navigation): the API's page, not the web app.
    const page = await fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    // Looking at the link changes nothing.
    expect(await myEmail(gus)).toMatchObject({ emailDigest: true });
    const oneClick = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await myEmail(gus)).toMatchObject({ emailDigest: false, verified: true });
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);
    const forged = url.replace(/token=[^&]+/, 'token=forged.token');
    expect((await fetch(forged, { method: 'POST' })).status).toBe(400);
    await sendText(api, ada, dm, 'second');
    await new Promise((r) => setTimeout(r, QUIET_WAIT_MS));
    expect(digestsTo(address)).toHaveLength(1);
    // Turned on again in the settings, digests resume.
    const on = await gql<{ setEmailDigest: EmailView }>(
      api,
      `mutation{ setEmailDigest(enabled:true){ ${EMAIL_FIELDS} } }`,
      {},
      gus.token,
    );
    expect(on.data?.setEmailDigest.emailDigest).toBe(true);
    await sendText(api, ada, dm, 'third');
    expect((await waitForDigest(address, 2)).text).toContain('third');
  });
});
