import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '@chatter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, codeOf, gql, ok, removeDataDir, Session, signUp, startApi } from '../support';

/**
 * Outgoing webhooks against a real API and a local receiver: signed deliveries (Standard Webhooks)
 * that the receiver verifies, replays refused by the receiver's timestamp and id checks, retries
 * after a 500, the delivery log, private conversations, and loopback targets refused unless the
 * operator setting allows them.
 */
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback: answers each request with the next planned status (then 204). */
async function receiver(plan: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = plan.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function until<T>(fn: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CREATE_BOT = `mutation($name:String!) {
  createBot(tenantId: "default", name: $name, scopes: [READ, SEND]) { token bot { id } }
}`;
const CREATE_WEBHOOK = `mutation($url:String!, $c:[ID!]!) {
  createWebhook(input: { url: $url, conversationIds: $c }) { secret webhook { id url events } }
}`;
const SEND = `mutation($c:ID!, $b:String!, $k:String!) {
  sendMessage(input: { conversationId: $c, body: $b, clientMessageId: $k }) { id }
}`;
const DELIVERIES = `query($id:ID!) { webhookDeliveries(webhookId: $id) { eventId eventType attempt status responseStatus error } }`;

async function setup(api: ApiProcess, ada: Session, name: string) {
  const created = await gql(api, CREATE_BOT, { name }, undefined, { 'x-admin-token': ADMIN_TOKEN });
  const { token, bot } = (created.data as { createBot: { token: string; bot: { id: string } } })
    .createBot;
  const group = (
    await ok<{ createGroup: { id: string } }>(
      api,
      'mutation($m:[ID!]!) { createGroup(input: { title: "Private ops", memberIds: $m }) { id } }',
      { m: [bot.id] },
      ada.accessToken,
    )
  ).createGroup.id;
  return { token, botId: bot.id, group };
}

describe('outgoing webhooks (loopback allowed by the operator)', () => {
  let api: ApiProcess;
  let ada: Session;

  beforeAll(async () => {
    api = await startApi({
      ADMIN_TOKEN,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_BASE_MS: '200',
    });
    ada = await signUp(api, 'Ada');
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('delivers signed events of a private group; the receiver verifies them and refuses replays', async () => {
    const rx = await receiver();
    try {
      const { token, group } = await setup(api, ada, 'Signed');
      expect(
        codeOf(await gql(api, CREATE_WEBHOOK, { url: rx.url, c: [group] }, ada.accessToken)),
      ).toBe('FORBIDDEN');
      const hook = (
        await ok<{ createWebhook: { secret: string; webhook: { id: string; events: string[] } } }>(
          api,
          CREATE_WEBHOOK,
          { url: rx.url, c: [group] },
          token,
        )
      ).createWebhook;
      expect(hook.secret).toMatch(/^whsec_/);
      expect(hook.webhook.events).toEqual(['MESSAGE_CREATED', 'MESSAGE_EDITED', 'MESSAGE_DELETED']);

      const sent = await ok<{ sendMessage: { id: string } }>(
        api,
        SEND,
        { c: group, b: 'deploy is green', k: 'w-1' },
        ada.accessToken,
      );
      const delivery = await until(() => rx.received[0], 'a delivery');
      const headers = {
        id: String(delivery.headers['webhook-id']),
        timestamp: String(delivery.headers['webhook-timestamp']),
        signature: String(delivery.headers['webhook-signature']),
      };
      const now = Math.floor(Date.now() / 1000);
      expect(verifyWebhook(hook.secret, headers, delivery.body, now)).toBe(true);
      const payload = JSON.parse(delivery.body) as {
        type: string;
        data: { conversationId: string; message: { id: string; body: string } };
      };
      expect(payload).toMatchObject({
        type: 'message.created',
        data: {
          conversationId: group,
          message: { id: sent.sendMessage.id, body: 'deploy is green' },
        },
      });
      // Tampering, another secret, or an old timestamp (a replay) fail verification.
      expect(verifyWebhook(hook.secret, headers, delivery.body.replace('green', 'red'), now)).toBe(
        false,
      );
      expect(
        verifyWebhook(`whsec_${randomBytes(24).toString('base64')}`, headers, delivery.body, now),
      ).toBe(false);
      expect(verifyWebhook(hook.secret, headers, delivery.body, now + 3600)).toBe(false);

      // Edits and deletions follow; the bot's own posts are not echoed back.
      await ok(api, SEND, { c: group, b: 'bot says hi', k: 'w-2' }, token);
      await ok(
        api,
        'mutation($id:ID!){ deleteMessage(id: $id) { id } }',
        { id: sent.sendMessage.id },
        ada.accessToken,
      );
      const second = await until(() => rx.received[1], 'the deletion');
      expect(JSON.parse(second.body)).toMatchObject({ type: 'message.deleted' });
      expect(rx.received.map((r) => JSON.parse(r.body).type as string)).toEqual([
        'message.created',
        'message.deleted',
      ]);
      const log = await ok<{ webhookDeliveries: { status: string; responseStatus: number }[] }>(
        api,
        DELIVERIES,
        { id: hook.webhook.id },
        token,
      );
      expect(log.webhookDeliveries.map((d) => [d.status, d.responseStatus])).toEqual([
        ['DELIVERED', 204],
        ['DELIVERED', 204],
      ]);
    } finally {
      await rx.close();
    }
  }, 30_000);

  it('retries after a 500 with the same webhook-id, and logs each attempt', async () => {
    const rx = await receiver([500, 500]);
    try {
      const { token, group } = await setup(api, ada, 'Retried');
      const hook = (
        await ok<{ createWebhook: { webhook: { id: string } } }>(
          api,
          CREATE_WEBHOOK,
          { url: rx.url, c: [group] },
          token,
        )
      ).createWebhook.webhook;
      await ok(api, SEND, { c: group, b: 'flaky receiver', k: 'r-1' }, ada.accessToken);
      await until(() => rx.received[2], 'the third attempt');
      const ids = new Set(rx.received.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(1);
      const deliveries = await ok<{
        webhookDeliveries: { attempt: number; status: string; responseStatus: number }[];
      }>(api, DELIVERIES, { id: hook.id }, token);
      expect(
        deliveries.webhookDeliveries.map((d) => [d.attempt, d.status, d.responseStatus]),
      ).toEqual([
        [3, 'DELIVERED', 204],
        [2, 'RETRYING', 500],
        [1, 'RETRYING', 500],
      ]);
    } finally {
      await rx.close();
    }
  }, 30_000);
});

describe('outgoing webhooks (default: no private targets)', () => {
  let api: ApiProcess;
  let ada: Session;

  beforeAll(async () => {
    api = await startApi({ ADMIN_TOKEN, WEBHOOK_RETRY_BASE_MS: '60000' });
    ada = await signUp(api, 'Ada');
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('refuses a loopback target at connect time, by address and by name, and logs why', async () => {
    const rx = await receiver();
    try {
      const { token, group } = await setup(api, ada, 'Fenced');
      const port = new URL(rx.url).port;
      const ids: string[] = [];
      for (const url of [rx.url, `http://localhost:${port}/hook`]) {
        ids.push(
          (
            await ok<{ createWebhook: { webhook: { id: string } } }>(
              api,
              CREATE_WEBHOOK,
              { url, c: [group] },
              token,
            )
          ).createWebhook.webhook.id,
        );
      }
      await ok(api, SEND, { c: group, b: 'should not leave', k: 'f-1' }, ada.accessToken);
      for (const id of ids) {
        let log: { status: string; error: string | null }[] = [];
        const end = Date.now() + 10_000;
        while (log.length === 0 && Date.now() < end) {
          log = (
            await ok<{ webhookDeliveries: { status: string; error: string | null }[] }>(
              api,
              DELIVERIES,
              { id },
              token,
            )
          ).webhookDeliveries;
          if (log.length === 0) await new Promise((r) => setTimeout(r, 100));
        }
        expect(log[0]).toMatchObject({
          status: 'RETRYING',
          error: 'target address is private or loopback',
        });
      }
      expect(rx.received).toEqual([]);
    } finally {
      await rx.close();
    }
  }, 30_000);
});
