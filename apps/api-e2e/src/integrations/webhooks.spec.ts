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
 * operator setting allows them. The durable queue: a retry pending across an API restart, dead
 * letters, disabling after N dead events or a 410, enableWebhook, and post-back as the bot.
 */
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** An answer of the receiver: a status, or a status with a JSON body. */
type Answer = number | { status: number; json: string };

/**
 * A webhook receiver on loopback: answers each request with the next planned answer (then
 * `otherwise`, 204 by default).
 */
async function receiver(plan: Answer[] = [], otherwise: Answer = 204) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const answer = plan.shift() ?? otherwise;
      if (typeof answer === 'number') {
        res.statusCode = answer;
        res.end();
      } else {
        res.statusCode = answer.status;
        res.setHeader('content-type', 'application/json');
        res.end(answer.json);
      }
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
const WEBHOOKS = `{ webhooks { id disabledAt disabledReason consecutiveFailures } }`;
const ENABLE = `mutation($id:ID!) { enableWebhook(id: $id) { id disabledAt disabledReason consecutiveFailures } }`;
const MESSAGES = `query($c:ID!) { messages(conversationId: $c, last: 20) { edges { node { body sender { id isBot } } } } }`;

interface Delivery {
  eventId: string;
  attempt: number;
  status: string;
  responseStatus: number | null;
  error: string | null;
}
interface HookState {
  id: string;
  disabledAt: string | null;
  disabledReason: string | null;
  consecutiveFailures: number;
}

/** Verifies a received delivery's Standard Webhooks signature now. */
function verified(secret: string, r: Received): boolean {
  const headers = {
    id: String(r.headers['webhook-id']),
    timestamp: String(r.headers['webhook-timestamp']),
    signature: String(r.headers['webhook-signature']),
  };
  return verifyWebhook(secret, headers, r.body, Math.floor(Date.now() / 1000));
}

async function deliveriesOf(api: ApiProcess, token: string, id: string): Promise<Delivery[]> {
  return (await ok<{ webhookDeliveries: Delivery[] }>(api, DELIVERIES, { id }, token))
    .webhookDeliveries;
}

async function hookState(api: ApiProcess, token: string, id: string): Promise<HookState> {
  const all = (await ok<{ webhooks: HookState[] }>(api, WEBHOOKS, {}, token)).webhooks;
  return all.find((w) => w.id === id)!;
}

/** Polls the API until `fn` gives a value (async variant of `until`). */
async function eventually<T>(fn: () => Promise<T | undefined>, what: string, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function subscribe(api: ApiProcess, token: string, url: string, group: string) {
  return (
    await ok<{ createWebhook: { secret: string; webhook: { id: string } } }>(
      api,
      CREATE_WEBHOOK,
      { url, c: [group] },
      token,
    )
  ).createWebhook;
}

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

describe('outgoing webhooks: durable queue across a restart', () => {
  it('a delivery waiting for its retry survives an API restart and arrives after it, signed', async () => {
    const rx = await receiver([500]);
    // A retry 4 s after the failed first attempt: the API is stopped before it falls due.
    const env = {
      ADMIN_TOKEN,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_BASE_MS: '4000',
      WEBHOOK_POLL_INTERVAL_MS: '100',
    };
    let api = await startApi(env);
    try {
      const ada = await signUp(api, 'Ada');
      const { token, group } = await setup(api, ada, 'Durable');
      const hook = await subscribe(api, token, rx.url, group);
      await ok(api, SEND, { c: group, b: 'survives restarts', k: 'd-1' }, ada.accessToken);
      await until(() => rx.received[0], 'the first attempt');
      await api.stop();
      expect(rx.received).toHaveLength(1);

      api = await startApi(env, { dataDir: api.dataDir });
      const retried = await until(() => rx.received[1], 'the retry after the restart', 20_000);
      expect(retried.headers['webhook-id']).toBe(rx.received[0]!.headers['webhook-id']);
      expect(retried.body).toBe(rx.received[0]!.body);
      expect(verified(hook.secret, retried)).toBe(true);
      expect(JSON.parse(retried.body)).toMatchObject({
        data: { message: { body: 'survives restarts' } },
      });
      const log = await eventually(async () => {
        const d = await deliveriesOf(api, token, hook.webhook.id);
        return d.length === 2 ? d : undefined;
      }, 'two log entries');
      expect(log.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([
        [2, 'DELIVERED', 204],
        [1, 'RETRYING', 500],
      ]);
      expect(rx.received).toHaveLength(2);
    } finally {
      await api.stop();
      removeDataDir(api);
      await rx.close();
    }
  }, 90_000);
});

describe('outgoing webhooks: dead letters, disabling, re-enabling and post-back', () => {
  let api: ApiProcess;
  let ada: Session;

  beforeAll(async () => {
    api = await startApi({
      ADMIN_TOKEN,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_MAX_ATTEMPTS: '2',
      WEBHOOK_DISABLE_AFTER_FAILURES: '2',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    });
    ada = await signUp(api, 'Ada');
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('dead-letters an event after its last attempt and disables the webhook after N dead events; re-enabling delivers again', async () => {
    const rx = await receiver([500, 500, 500, 500]);
    try {
      const { token, group } = await setup(api, ada, 'Failing');
      const hook = await subscribe(api, token, rx.url, group);
      await ok(api, SEND, { c: group, b: 'one', k: 'n-1' }, ada.accessToken);
      const first = await eventually(async () => {
        const d = await deliveriesOf(api, token, hook.webhook.id);
        return d[0]?.status === 'DEAD' ? d : undefined;
      }, 'the first dead letter');
      expect(first.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([
        [2, 'DEAD', 500],
        [1, 'RETRYING', 500],
      ]);
      expect(await hookState(api, token, hook.webhook.id)).toMatchObject({
        disabledAt: null,
        consecutiveFailures: 1,
      });

      await ok(api, SEND, { c: group, b: 'two', k: 'n-2' }, ada.accessToken);
      const disabled = await eventually(async () => {
        const w = await hookState(api, token, hook.webhook.id);
        return w.disabledAt ? w : undefined;
      }, 'the webhook disabled');
      expect(disabled).toMatchObject({ disabledReason: 'FAILING', consecutiveFailures: 2 });
      const log = await deliveriesOf(api, token, hook.webhook.id);
      expect(log.filter((d) => d.status === 'DEAD')).toHaveLength(2);

      // Disabled: nothing more is queued for it (a second webhook of the group is the witness).
      const witness = await receiver();
      try {
        await subscribe(api, token, witness.url, group);
        await ok(api, SEND, { c: group, b: 'three', k: 'n-3' }, ada.accessToken);
        await until(() => witness.received[0], 'the witness delivery');
        await new Promise((r) => setTimeout(r, 500));
        expect(rx.received).toHaveLength(4);
      } finally {
        await witness.close();
      }

      const enabled = (
        await ok<{ enableWebhook: HookState }>(api, ENABLE, { id: hook.webhook.id }, token)
      ).enableWebhook;
      expect(enabled).toMatchObject({
        disabledAt: null,
        disabledReason: null,
        consecutiveFailures: 0,
      });
      // Only the bot that owns it may re-enable it.
      const other = await setup(api, ada, 'Other');
      expect(codeOf(await gql(api, ENABLE, { id: hook.webhook.id }, other.token))).toBe(
        'NOT_FOUND',
      );
      expect(codeOf(await gql(api, ENABLE, { id: hook.webhook.id }, ada.accessToken))).toBe(
        'FORBIDDEN',
      );

      await ok(api, SEND, { c: group, b: 'four', k: 'n-4' }, ada.accessToken);
      const fifth = await until(() => rx.received[4], 'a delivery after re-enabling');
      expect(verified(hook.secret, fifth)).toBe(true);
      expect(JSON.parse(fifth.body)).toMatchObject({ data: { message: { body: 'four' } } });
    } finally {
      await rx.close();
    }
  }, 60_000);

  it('a 410 answer disables the webhook at once; it is not retried', async () => {
    const rx = await receiver([410]);
    try {
      const { token, group } = await setup(api, ada, 'Gone');
      const hook = await subscribe(api, token, rx.url, group);
      await ok(api, SEND, { c: group, b: 'gone', k: 'g-1' }, ada.accessToken);
      const state = await eventually(async () => {
        const w = await hookState(api, token, hook.webhook.id);
        return w.disabledAt ? w : undefined;
      }, 'the webhook disabled');
      expect(state.disabledReason).toBe('GONE');
      await new Promise((r) => setTimeout(r, 400));
      expect(rx.received).toHaveLength(1);
      expect(
        (await deliveriesOf(api, token, hook.webhook.id)).map((d) => [d.status, d.responseStatus]),
      ).toEqual([['FAILED', 410]]);
    } finally {
      await rx.close();
    }
  }, 30_000);

  it('posts a {"text"} answer back into the conversation as the bot, exactly; a bad answer is logged', async () => {
    const hostile = '<img src=x onerror=alert(1)> ${x} \u202e 👩‍👩‍👧 "q" \\ \n line two';
    const rx = await receiver([
      { status: 200, json: JSON.stringify({ text: hostile }) },
      { status: 200, json: '{"text": ' },
      { status: 200, json: JSON.stringify({ text: 'x'.repeat(20_000) }) },
    ]);
    try {
      const { token, botId, group } = await setup(api, ada, 'Replier');
      const hook = await subscribe(api, token, rx.url, group);
      await ok(api, SEND, { c: group, b: 'ping', k: 'p-1' }, ada.accessToken);
      const messages = async () =>
        (
          await ok<{
            messages: {
              edges: { node: { body: string; sender: { id: string; isBot: boolean } } }[];
            };
          }>(api, MESSAGES, { c: group }, ada.accessToken)
        ).messages.edges.map((e) => e.node);
      const posted = await eventually(async () => {
        const m = await messages();
        return m.find((n) => n.sender.id === botId);
      }, 'the post-back');
      expect(posted).toEqual({ body: hostile, sender: { id: botId, isBot: true } });
      // The bot's own post is not echoed back to its webhook.
      await ok(api, SEND, { c: group, b: 'bad json', k: 'p-2' }, ada.accessToken);
      await ok(api, SEND, { c: group, b: 'too long', k: 'p-3' }, ada.accessToken);
      const log = await eventually(async () => {
        const d = await deliveriesOf(api, token, hook.webhook.id);
        return d.length === 3 ? d : undefined;
      }, 'three deliveries');
      // The last two were sent together: their answers may have gone either way round.
      expect(log.map((d) => [d.status, d.error ?? '']).sort()).toEqual([
        ['DELIVERED', ''],
        ['DELIVERED', 'reply not posted: reply is not valid JSON'],
        ['DELIVERED', 'reply not posted: reply too large'],
      ]);
      expect(rx.received).toHaveLength(3);
      expect((await messages()).filter((n) => n.sender.id === botId)).toHaveLength(1);
    } finally {
      await rx.close();
    }
  }, 30_000);
});
