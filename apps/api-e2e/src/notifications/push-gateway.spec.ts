import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir } from '../support';
import {
  appUser,
  expectCode,
  expectNoUnexpectedErrors,
  openDm,
  startMessagingApi,
} from '../messaging/messaging-helpers';
import { devicesOf, sendText } from './notification-helpers';

interface GatewayNotification {
  notification: {
    event_id?: string;
    room_id?: string;
    type: string;
    sender_display_name?: string;
    prio: string;
    content?: { msgtype: string; body: string };
    devices: { app_id: string; pushkey: string; pushkey_ts: number }[];
  };
}

/** Native apps: the API posts Matrix Sygnal-style notifications to a push gateway. */
describe('push gateway for native apps', () => {
  let api: ApiProcess;
  let gateway: Server;
  const received: GatewayNotification[] = [];
  const rejected = new Set<string>();

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GatewayNotification;
        received.push(body);
        const keys = body.notification.devices.map((d) => d.pushkey).filter((k) => rejected.has(k));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ rejected: keys }));
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const port = (gateway.address() as AddressInfo).port;
    api = await startMessagingApi({
      NOTIFY_DELAY_SECONDS: '0',
      PUSH_ALLOW_PRIVATE_RANGES: '127.0.0.0/8',
      PUSH_GATEWAY_URL: `http://127.0.0.1:${port}/_matrix/push/v1/notify`,
    });
  });

  afterAll(async () => {
    await new Promise<void>((r) => gateway.close(() => r()));
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const REGISTER =
    'mutation($i:RegisterGatewayDeviceInput!){ registerGatewayDevice(input:$i){ id kind pushService label } }';

  it('forwards a message for the app id and pushkey, and drops a pushkey the gateway rejects', async () => {
    const [ada, bob] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Bob')]);
    const device = (
      await ok<{ registerGatewayDevice: { id: string; kind: string; pushService: string } }>(
        api,
        REGISTER,
        { i: { appId: 'com.example.chat.ios', pushkey: 'apns-token-bob', label: 'iPhone' } },
        bob.token,
      )
    ).registerGatewayDevice;
    expect(device).toMatchObject({ kind: 'GATEWAY', pushService: 'gateway:com.example.chat.ios' });
    const dm = await openDm(api, ada, bob);
    const sent = await sendText(api, ada, dm, 'hello native');
    const forBob = () =>
      received.filter((r) => r.notification.devices.some((d) => d.pushkey === 'apns-token-bob'));
    for (let i = 0; i < 100 && forBob().length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(forBob()).toHaveLength(1);
    const { notification } = forBob()[0]!;
    expect(notification).toMatchObject({
      event_id: sent.id,
      room_id: dm,
      type: 'm.room.message',
      sender_display_name: 'Ada',
      prio: 'high',
      content: { msgtype: 'm.text', body: 'hello native' },
    });
    expect(notification.devices).toEqual([
      expect.objectContaining({ app_id: 'com.example.chat.ios', pushkey: 'apns-token-bob' }),
    ]);

    // The app was uninstalled: the gateway rejects the pushkey, and the device goes.
    rejected.add('apns-token-bob');
    await sendText(api, ada, dm, 'still there?');
    for (let i = 0; i < 100 && (await devicesOf(api, bob)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await devicesOf(api, bob)).toEqual([]);
    expect(forBob()).toHaveLength(2);
  });

  it('refuses malformed app ids and pushkeys', async () => {
    const bob = await appUser(api, 'Bob');
    const register = (i: Record<string, unknown>) => gql(api, REGISTER, { i }, bob.token);
    expectCode(await register({ appId: 'bad app id', pushkey: 'k' }), 'BAD_USER_INPUT');
    expectCode(await register({ appId: 'com.x', pushkey: 'a\nb' }), 'BAD_USER_INPUT');
    expectCode(await register({ appId: 'com.x', pushkey: 'k'.repeat(513) }), 'BAD_USER_INPUT');
  });
});
