import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PushDevice, messagePayload, MAX_PUSH_PAYLOAD_BYTES } from '@chatter/core';
import { LocalPushService } from '@chatter/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateVapidKeys, vapidKeysProblem } from './vapid-keys';
import { PushRetryableError, WebPushSender } from './web-push-sender';

const dir = mkdtempSync(join(tmpdir(), 'chatter-push-'));
const keys = loadOrCreateVapidKeys(dir);
// The local push service listens on loopback: these senders are allowed to reach it.
const loopback = (address: string) => address === '127.0.0.1' || address === '::ffff:127.0.0.1';
const sender = new WebPushSender({
  keys,
  subject: 'mailto:ops@example.com',
  timeoutMs: 5_000,
  allowTarget: loopback,
});
const service = new LocalPushService();

const deviceFor = (sub: { endpoint: string; p256dh: string; auth: string }): PushDevice => ({
  id: 'd1',
  tenantId: 't',
  userId: 'u',
  kind: 'WEB_PUSH',
  appId: null,
  ...sub,
  label: 'test',
  createdAt: new Date(),
  lastSuccessAt: null,
});

beforeAll(async () => {
  await service.start();
  service.expectedVapidKey = keys.publicKey;
});
afterAll(async () => {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('VAPID keys', () => {
  it('are generated once into the data directory (0600) and read back', () => {
    expect(vapidKeysProblem(keys)).toBeNull();
    expect(loadOrCreateVapidKeys(dir)).toEqual(keys);
    expect(statSync(join(dir, 'vapid-keys.json')).mode & 0o777).toBe(0o600);
    expect(vapidKeysProblem({ publicKey: 'abc', privateKey: keys.privateKey })).not.toBeNull();
  });
});

describe('WebPushSender', () => {
  it('refuses at connect time an endpoint that is, or resolves to, a private address', async () => {
    const strict = new WebPushSender({ keys, subject: 'mailto:ops@example.com', timeoutMs: 5_000 });
    const sub = service.subscribe();
    const before = service.received.length;
    const message = { payload: '{}', ttlSeconds: 60, urgency: 'normal' as const };
    expect(await strict.send(deviceFor(sub), message)).toBe('REJECTED');
    const byName = sub.endpoint.replace('127.0.0.1', 'localhost');
    expect(await strict.send(deviceFor({ ...sub, endpoint: byName }), message)).toBe('REJECTED');
    expect(service.received.length).toBe(before);
  });

  it('sends a signed, encrypted push the service verifies and decrypts', async () => {
    const sub = service.subscribe();
    const payload = JSON.stringify({ hello: 'wörld ✓' });
    expect(
      await sender.send(deviceFor(sub), { payload, ttlSeconds: 60, urgency: 'high', topic: 'c1' }),
    ).toBe('SENT');
    const [push] = service.received.filter((r) => r.subscriptionId === sub.id);
    expect(push).toMatchObject({
      text: payload,
      vapidPublicKey: keys.publicKey,
      ttl: 60,
      urgency: 'high',
      topic: 'c1',
    });
    expect(push!.jwt.sub).toBe('mailto:ops@example.com');
    expect(service.refused.filter((r) => r.subscriptionId === sub.id)).toEqual([]);
  });

  it('a payload for any message text stays within the Web Push limit', async () => {
    const sub = service.subscribe();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 5000 }), async (text) => {
        const payload = messagePayload({
          conversationId: 'c1',
          conversationKind: 'GROUP',
          conversationTitle: text.slice(0, 300),
          messageId: 'm1',
          senderName: text.slice(0, 100),
          text,
          attachmentOnly: false,
          mention: false,
          badge: null,
          sentAt: new Date(0),
        });
        expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
        expect(JSON.parse(payload)).toMatchObject({ conversationId: 'c1', url: '/#/c/c1' });
        expect(
          await sender.send(deviceFor(sub), { payload, ttlSeconds: 1, urgency: 'normal' }),
        ).toBe('SENT');
      }),
      { numRuns: 15 },
    );
    expect(service.refused.filter((r) => r.subscriptionId === sub.id)).toEqual([]);
  });

  it('reports 404/410 as gone, 5xx and 429 as retryable, other 4xx as rejected', async () => {
    const sub = service.subscribe();
    const message = { payload: '{}', ttlSeconds: 1, urgency: 'normal' as const };
    service.failNext(sub.id, 500, 429, 410, 404, 400);
    await expect(sender.send(deviceFor(sub), message)).rejects.toBeInstanceOf(PushRetryableError);
    await expect(sender.send(deviceFor(sub), message)).rejects.toBeInstanceOf(PushRetryableError);
    expect(await sender.send(deviceFor(sub), message)).toBe('GONE');
    expect(await sender.send(deviceFor(sub), message)).toBe('GONE');
    expect(await sender.send(deviceFor(sub), message)).toBe('REJECTED');
    expect(await sender.send(deviceFor(sub), message)).toBe('SENT');
  });

  it('a push signed with other keys is refused by the service', async () => {
    const other = new WebPushSender({
      keys: loadOrCreateVapidKeys(join(dir, 'other')),
      subject: 'mailto:ops@example.com',
      allowTarget: loopback,
    });
    const sub = service.subscribe();
    expect(
      await other.send(deviceFor(sub), { payload: '{}', ttlSeconds: 1, urgency: 'normal' }),
    ).toBe('REJECTED');
    expect(service.refused.at(-1)).toMatchObject({ subscriptionId: sub.id, status: 403 });
  });
});
