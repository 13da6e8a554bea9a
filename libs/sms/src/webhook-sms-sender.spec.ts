import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '@chatter/core';
import { WebhookSmsSender } from './webhook-sms-sender';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function gateway(answer: (req: IncomingMessage, body: string, n: number) => number | 'hang') {
  let calls = 0;
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      const status = answer(req, body, ++calls);
      if (status === 'hang') return;
      res.statusCode = status;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    bodies,
    calls: () => calls,
  };
}

const message = {
  to: '+14155550123',
  purpose: 'login-code' as const,
  code: '123456',
  text: 'Your code is 123456',
  tenant: 'default',
};

describe('WebhookSmsSender', () => {
  it('posts the JSON the issue specifies', async () => {
    const gw = await gateway(() => 204);
    await new WebhookSmsSender({ url: gw.url, timeoutMs: 1000 }).send(message);
    expect(JSON.parse(gw.bodies[0]!)).toEqual(message);
  });

  it('posts an invitation without a code field', async () => {
    const gw = await gateway(() => 204);
    const invitation = {
      to: '+14155550123',
      purpose: 'invitation' as const,
      text: 'Ada invited you to Chatter.',
      tenant: 'default',
    };
    await new WebhookSmsSender({ url: gw.url, timeoutMs: 1000 }).send(invitation);
    expect(JSON.parse(gw.bodies[0]!)).toEqual(invitation);
  });

  it('retries a 5xx and succeeds', async () => {
    const gw = await gateway((_r, _b, n) => (n < 2 ? 503 : 200));
    await new WebhookSmsSender({ url: gw.url, timeoutMs: 1000, backoffMs: 5 }).send(message);
    expect(gw.calls()).toBe(2);
  });

  it('fails with SMS_DELIVERY_FAILED after the last attempt, and does not retry a 4xx', async () => {
    const down = await gateway(() => 500);
    await expect(
      new WebhookSmsSender({ url: down.url, timeoutMs: 1000, attempts: 3, backoffMs: 5 }).send(
        message,
      ),
    ).rejects.toMatchObject({
      code: 'SMS_DELIVERY_FAILED',
    });
    expect(down.calls()).toBe(3);
    const refusing = await gateway(() => 400);
    await expect(
      new WebhookSmsSender({ url: refusing.url, timeoutMs: 1000, backoffMs: 5 }).send(message),
    ).rejects.toBeInstanceOf(DomainError);
    expect(refusing.calls()).toBe(1);
  });

  it('times out a hanging gateway', async () => {
    const gw = await gateway(() => 'hang');
    await expect(
      new WebhookSmsSender({ url: gw.url, timeoutMs: 100, attempts: 1 }).send(message),
    ).rejects.toThrow(/timed out/);
  });
});
