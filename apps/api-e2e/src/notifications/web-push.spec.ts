import { LocalPushService } from '@chatter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  createGroup,
  createTenant,
  expectCode,
  expectNoUnexpectedErrors,
  openDm,
  startMessagingApi,
} from '../messaging/messaging-helpers';
import {
  Pushed,
  devicesOf,
  registerDevice,
  sendText,
  setLevel,
  updateSettings,
  vapidPublicKey,
} from './notification-helpers';

/**
 * Web Push end to end: a real API process pushes to a local push service that checks each
 * request as a real one would (VAPID JWT signed with the server's key, aes128gcm payload that
 * decrypts with the subscription's keys). "No push" is proven against a later push that does
 * arrive on the same device (the queue handles jobs in due order).
 */
describe('Web Push notifications', () => {
  let api: ApiProcess;
  const service = new LocalPushService();

  beforeAll(async () => {
    await service.start();
    api = await startMessagingApi({
      PUSH_ALLOW_HTTP_ENDPOINTS: 'true',
      PUSH_ALLOW_PRIVATE_RANGES: '127.0.0.0/8',
      NOTIFY_DELAY_SECONDS: '0',
    });
  });

  afterAll(async () => {
    await service.stop();
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const payloads = (sub: { id: string }) => service.payloadsFor<Pushed>(sub.id);
  /** Waits until the device got a push about `messageId`, then returns every payload it got. */
  const until = async (sub: { id: string }, messageId: string): Promise<Pushed[]> => {
    await service.waitFor(() => payloads(sub).some((p) => p.messageId === messageId), 15_000);
    return payloads(sub);
  };

  it('pushes a direct message, signed with the server key and decryptable by the device', async () => {
    const [ada, bob] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Bob')]);
    const key = await vapidPublicKey(api, bob);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(65);
    service.expectedVapidKey = key;
    const bobDevice = await registerDevice(api, service, bob);
    const adaDevice = await registerDevice(api, service, ada);
    const dm = await openDm(api, ada, bob);
    const text = 'Dinner at 8? 🍝 <b>not html</b>';
    const sent = await sendText(api, ada, dm, text);
    const got = await until(bobDevice, sent.id);
    expect(got).toEqual([
      expect.objectContaining({
        type: 'MESSAGE',
        title: 'Ada',
        body: text,
        conversationId: dm,
        messageId: sent.id,
        url: `/#/c/${dm}`,
        tag: `conversation:${dm}`,
        mention: false,
        badge: 1,
      }),
    ]);
    const push = service.received.find((r) => r.subscriptionId === bobDevice.id)!;
    expect(push.urgency).toBe('high');
    expect(push.bodyBytes).toBeLessThanOrEqual(4096);
    expect(push.jwt.aud).toBe(new URL(bobDevice.endpoint).origin);
    // The sender is never notified of their own message.
    expect(payloads(adaDevice)).toEqual([]);
    expect(service.refused).toEqual([]);
    expect((await devicesOf(api, bob)).map((d) => d.id)).toEqual([bobDevice.deviceId]);
  });

  it('mention-only: a plain message is skipped, a mention and an edit adding one notify once', async () => {
    const [ada, bob, cy] = await Promise.all(['Ada', 'Bob', 'Cy'].map((n) => appUser(api, n)));
    const group = await createGroup(api, ada, [bob, cy], 'Launch');
    await setLevel(api, cy, group, 'MENTIONS');
    const device = await registerDevice(api, service, cy);
    const plain = await sendText(api, ada, group, 'status update');
    const mention = await sendText(api, ada, group, `ping <@${cy.id}>`);
    let got = await until(device, mention.id);
    expect(got.map((p) => p.messageId)).toEqual([mention.id]);
    expect(got[0]).toMatchObject({ mention: true, title: 'Ada in Launch' });
    expect(got.some((p) => p.messageId === plain.id)).toBe(false);

    // Editing the plain message to mention Cy notifies; removing and re-adding does not again.
    const edit = (body: string, id = plain.id) =>
      ok(
        api,
        'mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ id } }',
        { id, b: body },
        ada.token,
      );
    await edit(`status update for <@${cy.id}>`);
    got = await until(device, plain.id);
    await edit('status update');
    await edit(`status update, <@${cy.id}>!`);
    const later = await sendText(api, ada, group, `and again <@${cy.id}>`);
    got = await until(device, later.id);
    expect(got.map((p) => p.messageId)).toEqual([mention.id, plain.id, later.id]);
  });

  it('a muted conversation never notifies, not even a mention; an unmuted one does', async () => {
    const [ada, bob] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Bob')]);
    const dm = await openDm(api, ada, bob);
    const group = await createGroup(api, ada, [bob], 'Other');
    const device = await registerDevice(api, service, bob);
    await setLevel(api, bob, dm, null, new Date(Date.now() + 3_600_000).toISOString());
    const muted = await sendText(api, ada, dm, `hello <@${bob.id}>`);
    const sentinel = await sendText(api, ada, group, 'in the group');
    const got = await until(device, sentinel.id);
    expect(got.map((p) => p.messageId)).not.toContain(muted.id);
    // The badge counts unread messages outside muted conversations: the group's one.
    expect(got.find((p) => p.messageId === sentinel.id)?.badge).toBe(1);
    // Level NONE is quiet too.
    await setLevel(api, bob, dm, 'NONE');
    const none = await sendText(api, ada, dm, 'still there?');
    await setLevel(api, bob, dm, null);
    const back = await sendText(api, ada, dm, 'unmuted');
    const last = await until(device, back.id);
    expect(last.map((p) => p.messageId)).toEqual([sentinel.id, back.id]);
    // Unmuted, the direct chat's three unread messages count again.
    expect(last.find((p) => p.messageId === back.id)?.badge).toBe(4);
    expect(payloads(device).map((p) => p.messageId)).not.toContain(none.id);
  });

  it('quiet hours (DND) in the user’s time zone suppress pushes', async () => {
    const [ada, bob] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Bob')]);
    const dm = await openDm(api, ada, bob);
    const device = await registerDevice(api, service, bob);
    const now = new Date();
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    await updateSettings(api, bob, {
      timeZone: 'UTC',
      quietHours: { startMinute: (minute + 1439) % 1440, endMinute: (minute + 3) % 1440 },
    });
    const quiet = await sendText(api, ada, dm, 'shh');
    await updateSettings(api, bob, { clearQuietHours: true });
    const loud = await sendText(api, ada, dm, 'now');
    expect((await until(device, loud.id)).map((p) => p.messageId)).toEqual([loud.id]);
    expect(payloads(device).map((p) => p.messageId)).not.toContain(quiet.id);
  });

  it('a message read on another device before the delay is not pushed; an unread one is', async () => {
    const [ada, bob] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Bob')]);
    const dm = await openDm(api, ada, bob);
    const device = await registerDevice(api, service, bob);
    await updateSettings(api, bob, { delaySeconds: 2 });
    const read = await sendText(api, ada, dm, 'read me');
    await ok(
      api,
      'mutation($c:ID!,$s:Int!){ markRead(conversationId:$c, seq:$s){ id } }',
      { c: dm, s: read.seq },
      bob.token,
    );
    const unread = await sendText(api, ada, dm, 'and me?');
    const got = await until(device, unread.id);
    expect(got.map((p) => p.messageId)).toEqual([unread.id]);
    const pushedAt = service.received.find((r) => r.subscriptionId === device.id)!.at;
    expect(pushedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a blocked sender causes no push; other members still do', async () => {
    const [ada, bob, cy] = await Promise.all(['Ada', 'Bob', 'Cy'].map((n) => appUser(api, n)));
    const group = await createGroup(api, ada, [bob, cy], 'Team');
    const device = await registerDevice(api, service, bob);
    await ok(api, 'mutation($u:ID!){ blockUser(userId:$u) }', { u: ada.id }, bob.token);
    const blocked = await sendText(api, ada, group, `hey <@${bob.id}>`);
    const fromCy = await sendText(api, cy, group, 'hi Bob');
    expect((await until(device, fromCy.id)).map((p) => p.messageId)).toEqual([fromCy.id]);
    expect(payloads(device).map((p) => p.messageId)).not.toContain(blocked.id);
  });

  it('@all notifies mention-only members only when the author may use it', async () => {
    const [ada, bob, cy] = await Promise.all(['Ada', 'Bob', 'Cy'].map((n) => appUser(api, n)));
    const group = await createGroup(api, ada, [bob, cy], 'Everyone');
    await ok(
      api,
      'mutation($i:UpdateConversationInput!){ updateConversation(input:$i){ id } }',
      { i: { conversationId: group, mentionAll: 'ADMINS' } },
      ada.token,
    );
    await setLevel(api, cy, group, 'MENTIONS');
    const device = await registerDevice(api, service, cy);
    const byMember = await sendText(api, bob, group, '@all lunch?');
    const byOwner = await sendText(api, ada, group, '@all release today');
    const got = await until(device, byOwner.id);
    expect(got.map((p) => p.messageId)).toEqual([byOwner.id]);
    expect(got[0]!.mention).toBe(true);
    expect(got.map((p) => p.messageId)).not.toContain(byMember.id);
  });

  it('retries a push the service failed with backoff, and prunes a subscription answered 410', async () => {
    const [ada, bob] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Bob')]);
    const dm = await openDm(api, ada, bob);
    const flaky = await registerDevice(api, service, bob, 'flaky');
    const gone = await registerDevice(api, service, bob, 'gone');
    service.failNext(flaky.id, 503);
    service.answerAlways(gone.id, 410);
    const sent = await sendText(api, ada, dm, 'eventually');
    expect((await until(flaky, sent.id)).map((p) => p.messageId)).toEqual([sent.id]);
    expect(service.refused.filter((r) => r.subscriptionId === flaky.id)).toHaveLength(1);
    for (let i = 0; i < 50 && (await devicesOf(api, bob)).length > 1; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await devicesOf(api, bob)).map((d) => d.id)).toEqual([flaky.deviceId]);
  });

  it('a tenant may leave message text out of pushes', async () => {
    const secret = await createTenant(api, 'quiet-co');
    const set = await gql(
      api,
      'mutation{ updateTenantNotificationOptions(id:"quiet-co", omitMessageText:true) }',
      {},
      undefined,
      { 'x-admin-token': ADMIN_TOKEN },
    );
    expect(set.data).toEqual({ updateTenantNotificationOptions: true });
    const [ada, bob] = await Promise.all(
      ['Ada', 'Bob'].map((n) => appUser(api, n, 'quiet-co', secret)),
    );
    const dm = await openDm(api, ada, bob);
    const device = await registerDevice(api, service, bob);
    const sent = await sendText(api, ada, dm, 'the secret plan');
    const [pushed] = await until(device, sent.id);
    expect(pushed).toMatchObject({ title: 'Ada', body: 'New message' });
    expect(service.received.find((r) => r.subscriptionId === device.id)!.text).not.toContain(
      'secret plan',
    );
  });

  it('sends a test notification, and refuses malformed and private-network subscriptions', async () => {
    const bob = await appUser(api, 'Bob');
    const device = await registerDevice(api, service, bob);
    const queued = await ok<{ sendTestNotification: number }>(
      api,
      'mutation($d:ID){ sendTestNotification(deviceId:$d) }',
      { d: device.deviceId },
      bob.token,
    );
    expect(queued.sendTestNotification).toBe(1);
    await service.waitFor(() => payloads(device).some((p) => p.type === 'TEST'));
    const register = (i: Record<string, unknown>) =>
      gql(
        api,
        'mutation($i:RegisterPushDeviceInput!){ registerPushDevice(input:$i){ id } }',
        { i },
        bob.token,
      );
    const good = { endpoint: device.endpoint, p256dh: device.p256dh, auth: device.auth };
    expectCode(await register({ ...good, endpoint: 'ftp://push.example/x' }), 'BAD_USER_INPUT');
    expectCode(await register({ ...good, p256dh: 'AAAA' }), 'BAD_USER_INPUT');
    expectCode(await register({ ...good, auth: 'x'.repeat(300) }), 'BAD_USER_INPUT');
    // Endpoints leading into private networks are refused unless the operator allowed the range
    // (this API allows 127.0.0.0/8 only, for the local push service).
    for (const endpoint of [
      'http://10.1.2.3/push/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:9/push',
      'http://[::ffff:192.168.0.1]/push',
      'http://0.0.0.0/push',
    ])
      expectCode(await register({ ...good, endpoint }), 'BAD_USER_INPUT');
    expectCode(
      await register({ ...good, endpoint: 'https://does-not-resolve.invalid/push' }),
      'BAD_USER_INPUT',
    );
    const unregistered = await ok<{ unregisterPushDevice: boolean }>(
      api,
      'mutation($id:ID!){ unregisterPushDevice(id:$id) }',
      { id: device.deviceId },
      bob.token,
    );
    expect(unregistered.unregisterPushDevice).toBe(true);
    expect(await devicesOf(api, bob)).toEqual([]);
  });
});
