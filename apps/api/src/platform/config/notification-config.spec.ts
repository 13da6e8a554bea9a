import { createECDH } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

const dir = mkdtempSync(join(tmpdir(), 'chatter-notify-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = (env: NodeJS.ProcessEnv) => loadConfig(env, { cwd: dir, repoRoot: dir });
const errorOf = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    load(env);
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('expected a refusal');
};

const pair = () => {
  const ecdh = createECDH('prime256v1');
  // A private key with a leading zero byte comes out shorter: draw again.
  do ecdh.generateKeys();
  while (ecdh.getPrivateKey().length !== 32);
  return {
    VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString('base64url'),
    VAPID_PRIVATE_KEY: ecdh.getPrivateKey().toString('base64url'),
  };
};

const CLUSTER = {
  MONGODB_URI: 'mongodb://db:27017/chatter',
  REDIS_URL: 'redis://cache:6379',
  NATS_URL: 'nats://bus:4222',
  JWT_SECRET: 'x'.repeat(40),
};

describe('notification configuration', () => {
  it('embedded: keys from DATA_DIR, in-process queue, 60 s delay, no gateway', () => {
    expect(load({}).notifications).toMatchObject({
      vapid: { source: 'data-dir' },
      vapidSubject: 'mailto:postmaster@localhost',
      delaySeconds: 60,
      allowHttpEndpoints: false,
      queue: 'memory',
      gatewayUrl: undefined,
    });
  });

  it('cluster: the JetStream queue when asked for; Web Push only with configured keys', () => {
    expect(load(CLUSTER).notifications).toMatchObject({ vapid: null, queue: 'memory' });
    expect(load({ ...CLUSTER, NOTIFY_QUEUE: 'nats' }).notifications.queue).toBe('nats');
    const keys = pair();
    expect(load({ ...CLUSTER, ...keys }).notifications.vapid).toEqual({
      source: 'env',
      publicKey: keys.VAPID_PUBLIC_KEY,
      privateKey: keys.VAPID_PRIVATE_KEY,
    });
  });

  it('refuses half a key pair, keys of two pairs, and a subject that is no contact', () => {
    const a = pair();
    const b = pair();
    expect(errorOf({ VAPID_PUBLIC_KEY: a.VAPID_PUBLIC_KEY }).variable).toBe('VAPID_PRIVATE_KEY');
    const mixed = errorOf({
      VAPID_PUBLIC_KEY: a.VAPID_PUBLIC_KEY,
      VAPID_PRIVATE_KEY: b.VAPID_PRIVATE_KEY,
    });
    expect(mixed.variable).toBe('VAPID_PUBLIC_KEY');
    expect(mixed.message).not.toContain(b.VAPID_PRIVATE_KEY);
    expect(errorOf({ VAPID_SUBJECT: 'ops@example.com' }).variable).toBe('VAPID_SUBJECT');
    expect(
      load({ VAPID_SUBJECT: 'https://chat.example.com/contact' }).notifications.vapidSubject,
    ).toBe('https://chat.example.com/contact');
  });

  it('refuses http push endpoints in production, a NATS queue without NATS, bad numbers', () => {
    expect(
      errorOf({
        NODE_ENV: 'production',
        PUSH_ALLOW_HTTP_ENDPOINTS: 'true',
        ALLOW_LOG_SMS_IN_PRODUCTION: 'true',
      }).variable,
    ).toBe('PUSH_ALLOW_HTTP_ENDPOINTS');
    expect(errorOf({ NOTIFY_QUEUE: 'nats' }).variable).toBe('NOTIFY_QUEUE');
    expect(errorOf({ NOTIFY_QUEUE: 'redis' }).variable).toBe('NOTIFY_QUEUE');
    expect(
      load({ NOTIFY_QUEUE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }).notifications.queue,
    ).toBe('redis');
    expect(errorOf({ NOTIFY_DELAY_SECONDS: '3601' }).variable).toBe('NOTIFY_DELAY_SECONDS');
    expect(errorOf({ PUSH_GATEWAY_URL: 'ftp://gw' }).variable).toBe('PUSH_GATEWAY_URL');
  });

  it('reads the private ranges push may reach, and refuses a gateway on a private address outside them', () => {
    expect(load({}).notifications.allowPrivateRanges).toEqual([]);
    expect(
      load({ PUSH_ALLOW_PRIVATE_RANGES: '127.0.0.0/8, ::1/128' }).notifications.allowPrivateRanges,
    ).toEqual(['127.0.0.0/8', '::1/128']);
    expect(errorOf({ PUSH_ALLOW_PRIVATE_RANGES: '127.0.0.1' }).variable).toBe(
      'PUSH_ALLOW_PRIVATE_RANGES',
    );
    const gateway = 'http://10.0.0.7:5000/_matrix/push/v1/notify';
    expect(errorOf({ PUSH_GATEWAY_URL: gateway }).variable).toBe('PUSH_GATEWAY_URL');
    expect(
      load({ PUSH_GATEWAY_URL: gateway, PUSH_ALLOW_PRIVATE_RANGES: '10.0.0.0/24' }).notifications
        .gatewayUrl,
    ).toBe(gateway);
    expect(
      load({ PUSH_GATEWAY_URL: 'https://push.example.com/notify' }).notifications.gatewayUrl,
    ).toBe('https://push.example.com/notify');
  });

  it('e-mail: off without SMTP_URL; SMTP_URL needs a base URL for links; sender and delay checked', () => {
    expect(load({}).notifications).toMatchObject({
      smtpUrl: undefined,
      smtpFrom: 'Chatter <chatter@localhost>',
      emailDigestDelaySeconds: 900,
    });
    const smtp = 'smtp://user:pass@mail.example.com:587';
    expect(errorOf({ SMTP_URL: smtp }).variable).toBe('SMTP_URL');
    expect(
      errorOf({ SMTP_URL: 'http://mail.example.com', PUBLIC_URL: 'https://c.example.com' })
        .variable,
    ).toBe('SMTP_URL');
    const ok = load({
      SMTP_URL: smtp,
      PUBLIC_URL: 'https://chat.example.com',
      SMTP_FROM: 'Chat <chat@example.com>',
      EMAIL_DIGEST_DELAY_SECONDS: '60',
    }).notifications;
    expect(ok).toMatchObject({
      smtpUrl: smtp,
      smtpFrom: 'Chat <chat@example.com>',
      emailDigestDelaySeconds: 60,
    });
    expect(
      load({ SMTP_URL: smtp, EMAIL_LINK_BASE_URL: 'https://api.example.com' }).notifications
        .emailLinkBaseUrl,
    ).toBe('https://api.example.com');
    expect(errorOf({ SMTP_FROM: 'no address' }).variable).toBe('SMTP_FROM');
    expect(errorOf({ SMTP_FROM: 'a@b.c\r\nBcc: x@y.z' }).variable).toBe('SMTP_FROM');
    expect(errorOf({ EMAIL_DIGEST_DELAY_SECONDS: '0' }).variable).toBe(
      'EMAIL_DIGEST_DELAY_SECONDS',
    );
  });
});
