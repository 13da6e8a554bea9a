import {
  Bot,
  DeliverWebhooks,
  ManualClock,
  Message,
  newId,
  QueuedWebhookDelivery,
  SendDueWebhooks,
  SendMessages,
  verifyWebhook,
  Webhook,
  WebhookPostBack,
  WebhookResponse,
  WebhookRetryPolicy,
  WebhookTransport,
} from '@chatter/core';
import { aConversation, aTenantId, aUser } from '@chatter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store';

/**
 * The outgoing webhook queue's logic (SendDueWebhooks) over a real in-memory SQLite store on a
 * manual clock: backoff, leases between instances, dead letters, disabling, post-back.
 */

type Answer = Partial<WebhookResponse> | Error | 'hang';

/** A receiver that answers each POST with the next planned answer (then 204). */
class PlannedTransport extends WebhookTransport {
  readonly received: { url: string; headers: Record<string, string>; body: string }[] = [];
  constructor(private readonly plan: Answer[] = []) {
    super();
  }
  override post(url: string, headers: Record<string, string>, body: string) {
    this.received.push({ url, headers, body });
    const next = this.plan.shift() ?? { status: 204 };
    if (next === 'hang') return new Promise<WebhookResponse>(() => undefined);
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve({ status: 204, body: '', contentType: null, ...next });
  }
}

const POLICY = new WebhookRetryPolicy({
  baseDelayMs: 1_000,
  maxAttempts: 3,
  disableAfterFailures: 2,
  leaseMs: 60_000,
});

let store: SqliteStore;
let clock: ManualClock;
let bot: Bot;
let hook: Webhook;
let posted: {
  actor: unknown;
  input: { conversationId: string; clientMessageId: string; body: string };
}[];

const postBack = () =>
  new WebhookPostBack({
    send: async (actor: unknown, input: (typeof posted)[number]['input']) => {
      posted.push({ actor, input });
      return { message: {}, created: true };
    },
  } as unknown as SendMessages);

const senderWith = (transport: WebhookTransport) =>
  new SendDueWebhooks(
    store.webhooks,
    store.webhookQueue,
    store.bots,
    transport,
    postBack(),
    POLICY,
    clock,
  );

async function enqueue(): Promise<QueuedWebhookDelivery> {
  const d: QueuedWebhookDelivery = {
    id: newId(),
    tenantId: hook.tenantId,
    webhookId: hook.id,
    conversationId: hook.conversationIds[0]!,
    eventId: `msg_${newId()}`,
    eventType: 'message.created',
    body: JSON.stringify({ type: 'message.created', n: newId() }),
    attempt: 1,
    nextAttemptAt: clock.now(),
    leaseOwner: null,
    leaseUntil: null,
    status: 'PENDING',
    createdAt: clock.now(),
  };
  await store.webhookQueue.enqueue(d);
  return d;
}

const log = () => store.webhooks.listDeliveries(hook.tenantId, hook.id, 100);
const queue = () => store.webhookQueue.listByWebhook(hook.tenantId, hook.id, 100);
const current = async () => (await store.webhooks.findById(hook.tenantId, hook.id))!;

beforeEach(async () => {
  store = SqliteStore.open({ file: ':memory:' });
  clock = new ManualClock(Date.UTC(2031, 0, 1));
  posted = [];
  const t = aTenantId();
  const user = await store.users.create({ ...aUser(t), isBot: true });
  bot = await store.bots.create({
    id: user.id,
    tenantId: t,
    name: user.name,
    scopes: ['READ', 'SEND'],
    conversationIds: null,
    tokenHash: 'a'.repeat(64),
    createdAt: clock.now(),
    revokedAt: null,
  });
  hook = await store.webhooks.create({
    id: newId(),
    tenantId: t,
    botId: bot.id,
    url: 'https://hooks.example.com/in',
    secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0',
    conversationIds: [newId()],
    events: ['message.created'],
    createdAt: clock.now(),
    consecutiveFailures: 0,
    disabledAt: null,
    disabledReason: null,
  });
});

afterEach(() => store.close());

describe('SendDueWebhooks over SQLite', () => {
  it('retries with exponential backoff under one webhook-id, signed each time, then delivers', async () => {
    const rx = new PlannedTransport([{ status: 500 }, new Error('connection failed (ECONNRESET)')]);
    const sender = senderWith(rx);
    const d = await enqueue();
    expect(await sender.sendDue(10)).toBe(1);
    expect((await queue())[0]).toMatchObject({ attempt: 2, leaseOwner: null });
    clock.advance(999);
    expect(await sender.sendDue(10)).toBe(0);
    clock.advance(1);
    expect(await sender.sendDue(10)).toBe(1);
    // The second retry waits five times longer.
    clock.advance(4_999);
    expect(await sender.sendDue(10)).toBe(0);
    clock.advance(1);
    expect(await sender.sendDue(10)).toBe(1);
    expect(rx.received).toHaveLength(3);
    for (const r of rx.received) {
      expect(r.body).toBe(d.body);
      const headers = {
        id: r.headers['webhook-id']!,
        timestamp: r.headers['webhook-timestamp']!,
        signature: r.headers['webhook-signature']!,
      };
      expect(headers.id).toBe(d.eventId);
      expect(verifyWebhook(hook.secret, headers, r.body, Number(headers.timestamp))).toBe(true);
    }
    expect((await log()).map((e) => [e.attempt, e.status, e.responseStatus, e.error])).toEqual([
      [3, 'DELIVERED', 204, null],
      [2, 'RETRYING', null, 'connection failed (ECONNRESET)'],
      [1, 'RETRYING', 500, null],
    ]);
    expect(await queue()).toEqual([]);
  });

  it('never sends one attempt from two instances; a stopped instance’s lease runs out and the attempt is sent again', async () => {
    const stuck = senderWith(new PlannedTransport(['hang']));
    const rx = new PlannedTransport();
    const other = senderWith(rx);
    await enqueue();
    void stuck.sendDue(10); // claims it and never settles (its instance "crashed")
    await new Promise((r) => setTimeout(r, 10));
    expect(await other.sendDue(10)).toBe(0);
    clock.advance(POLICY.leaseMs - 1);
    expect(await other.sendDue(10)).toBe(0);
    clock.advance(1);
    expect(await other.sendDue(10)).toBe(1);
    expect(rx.received).toHaveLength(1);
    expect((await log()).map((e) => [e.attempt, e.status])).toEqual([[1, 'DELIVERED']]);
  });

  it('dead-letters after the last attempt, and disables the webhook after N dead events in a row', async () => {
    const sender = senderWith(new PlannedTransport(Array(6).fill({ status: 503 })));
    const first = await enqueue();
    const second = await enqueue();
    for (let i = 0; i < 4; i++) {
      await sender.sendDue(10);
      clock.advance(10_000);
    }
    const dead = await queue();
    // Queued at the same instant: listed in id order, whichever was first.
    expect(dead.map((d) => [d.id, d.status, d.attempt])).toEqual(
      [first.id, second.id].sort().map((id) => [id, 'DEAD', 3]),
    );
    expect((await log()).filter((e) => e.status === 'DEAD').map((e) => e.attempt)).toEqual([3, 3]);
    expect(await current()).toMatchObject({
      consecutiveFailures: 2,
      disabledReason: 'FAILING',
      disabledAt: expect.any(Date),
    });
    // Disabled: a queued event is dropped (logged), not sent.
    const rx = new PlannedTransport();
    await enqueue();
    await senderWith(rx).sendDue(10);
    expect(rx.received).toEqual([]);
    expect((await log())[0]).toMatchObject({ status: 'FAILED', error: 'webhook disabled' });
  });

  it('a delivered event resets the failure count', async () => {
    const sender = senderWith(
      new PlannedTransport([{ status: 500 }, { status: 500 }, { status: 500 }]),
    );
    await enqueue();
    for (let i = 0; i < 3; i++) {
      await sender.sendDue(10);
      clock.advance(10_000);
    }
    expect((await current()).consecutiveFailures).toBe(1);
    await enqueue();
    await sender.sendDue(10);
    expect(await current()).toMatchObject({ consecutiveFailures: 0, disabledAt: null });
  });

  it('a 410 disables the webhook at once and is not retried', async () => {
    const rx = new PlannedTransport([{ status: 410 }]);
    const sender = senderWith(rx);
    await enqueue();
    await sender.sendDue(10);
    clock.advance(100_000);
    await enqueue();
    await sender.sendDue(10);
    expect(rx.received).toHaveLength(1);
    expect(await current()).toMatchObject({ disabledReason: 'GONE', consecutiveFailures: 0 });
    expect((await log()).map((e) => [e.status, e.responseStatus])).toEqual([
      ['FAILED', null],
      ['FAILED', 410],
    ]);
    expect(await queue()).toEqual([]);
  });

  it('posts a {"text"} answer back as the bot, once per event, and logs a bad answer on the delivery', async () => {
    const text = 'deploy ✅ <b>&amp;</b> "quoted" \u202e';
    const rx = new PlannedTransport([
      { status: 200, body: JSON.stringify({ text }), contentType: 'application/json' },
      { status: 200, body: '{"text": ', contentType: 'application/json; charset=utf-8' },
      { status: 200, body: 'ok', contentType: 'text/plain' },
    ]);
    const sender = senderWith(rx);
    const d = await enqueue();
    await sender.sendDue(10);
    expect(posted).toEqual([
      {
        actor: expect.objectContaining({ userId: bot.id, tenantId: bot.tenantId }),
        input: {
          conversationId: d.conversationId,
          clientMessageId: `hook-reply-${d.eventId}`,
          body: text,
        },
      },
    ]);
    await enqueue();
    await sender.sendDue(10);
    await enqueue();
    await sender.sendDue(10);
    expect(posted).toHaveLength(1);
    expect((await log()).map((e) => [e.status, e.error])).toEqual([
      ['DELIVERED', null],
      ['DELIVERED', 'reply not posted: reply is not valid JSON'],
      ['DELIVERED', null],
    ]);
  });

  it('drops deliveries of a revoked bot', async () => {
    const rx = new PlannedTransport();
    await enqueue();
    await store.bots.revoke(bot.tenantId, bot.id, clock.now());
    await senderWith(rx).sendDue(10);
    expect(rx.received).toEqual([]);
    expect((await log())[0]).toMatchObject({ status: 'FAILED', error: 'bot revoked' });
  });
});

describe('DeliverWebhooks over SQLite (queueing events)', () => {
  const aMessage = (
    conversation: { tenantId: string; id: string },
    senderId: string,
    clientMessageId: string,
    body: string,
  ): Message => ({
    id: newId(),
    tenantId: conversation.tenantId,
    conversationId: conversation.id,
    seq: 1,
    senderId,
    clientMessageId,
    body,
    replyToId: null,
    mentions: [],
    mentionsAll: false,
    call: null,
    createdAt: clock.now(),
    editedAt: null,
    deletedAt: null,
    expiresAt: null,
  });
  const noFailures = { report: () => undefined };
  /** A group of the bot and one person, in the webhook's tenant. */
  const aGroupWithTheBot = async () => {
    const t = hook.tenantId;
    const human = await store.users.create(aUser(t));
    const group = await store.conversations.create(aConversation(t), [
      { userId: bot.id, role: 'MEMBER' },
      { userId: human.id, role: 'MEMBER' },
    ]);
    return { t, human, group };
  };

  it('queues an event for enabled webhooks only, and never a bot’s post-back answer', async () => {
    const { t, human, group } = await aGroupWithTheBot();
    const live = await store.webhooks.create({
      ...hook,
      id: newId(),
      conversationIds: [group.id],
    });
    const off = await store.webhooks.create({ ...hook, id: newId(), conversationIds: [group.id] });
    await store.webhooks.disable(t, off.id, 'GONE', clock.now());
    const deliver = new DeliverWebhooks(
      store.webhooks,
      store.webhookQueue,
      store.bots,
      store.conversations,
      clock,
      noFailures,
    );
    const message = (senderId: string, clientMessageId: string, body: string) =>
      aMessage(group, senderId, clientMessageId, body);
    const other = await store.bots.create({
      ...bot,
      id: (await store.users.create({ ...aUser(t), isBot: true })).id,
    });
    await deliver.fanOut(group, 'message.created', message(human.id, 'k-1', 'from a human'));
    await deliver.fanOut(
      group,
      'message.created',
      message(other.id, 'hook-reply-msg_1', 'an answer'),
    );
    // A person choosing such an id is no bot answer: delivered.
    await deliver.fanOut(group, 'message.created', message(human.id, 'hook-reply-x', 'sly'));
    const queued = await store.webhookQueue.listByWebhook(t, live.id, 10);
    expect(queued.map((d) => JSON.parse(d.body).data.message.body).sort()).toEqual([
      'from a human',
      'sly',
    ]);
    expect(queued.every((d) => d.attempt === 1 && d.conversationId === group.id)).toBe(true);
    expect(await store.webhookQueue.listByWebhook(t, off.id, 10)).toEqual([]);
  });

  it('retries a fan-out the store failed, each webhook getting the event once; reports one it gave up on', async () => {
    const { t, human, group } = await aGroupWithTheBot();
    const first = await store.webhooks.create({
      ...hook,
      id: newId(),
      conversationIds: [group.id],
    });
    const second = await store.webhooks.create({
      ...hook,
      id: newId(),
      conversationIds: [group.id],
    });
    // The store fails the 2nd and 3rd enqueue calls: the first webhook's delivery is stored
    // before the first failure, and the second's fails once on the retry too.
    let calls = 0;
    let broken = (call: number): boolean => call === 2 || call === 3;
    const queue = Object.create(store.webhookQueue) as typeof store.webhookQueue;
    queue.enqueue = (d) => {
      calls += 1;
      return broken(calls)
        ? Promise.reject(new Error('database is locked'))
        : store.webhookQueue.enqueue(d);
    };
    const reported: { error: unknown; type: string }[] = [];
    const deliver = new DeliverWebhooks(
      store.webhooks,
      queue,
      store.bots,
      store.conversations,
      clock,
      {
        report: (error, event) => reported.push({ error, type: event.type }),
      },
    );
    /** Lets the retries' timers fall due until `done` settles. */
    const untilSettled = async (done: Promise<unknown>) => {
      let settled = false;
      void done.finally(() => (settled = true)).catch(() => undefined);
      for (let i = 0; i < 50 && !settled; i++) {
        await new Promise((r) => setImmediate(r));
        clock.advance(1_000);
      }
      return done;
    };

    await untilSettled(
      deliver.fanOutRetrying(group, 'message.created', aMessage(group, human.id, 'k-1', 'once')),
    );
    const [a] = await store.webhookQueue.listByWebhook(t, first.id, 10);
    const [b, extra] = await store.webhookQueue.listByWebhook(t, second.id, 10);
    expect(extra).toBeUndefined();
    expect([a, b].map((d) => JSON.parse(d!.body).data.message.body)).toEqual(['once', 'once']);
    expect(await store.webhookQueue.listByWebhook(t, first.id, 10)).toHaveLength(1);
    expect(calls).toBe(5); // try 1: a stored, b fails; try 2: a fails; try 3: a again (no-op), b
    expect(reported).toEqual([]);

    // A store that stays down: after the retries the event is reported, and nothing throws.
    broken = () => true;
    deliver.messageLogged(group, 'MESSAGE_ADDED', aMessage(group, human.id, 'k-2', 'lost'));
    await untilSettled(
      new Promise<void>((resolve) => {
        const poll = () => (reported.length > 0 ? resolve() : setImmediate(poll));
        poll();
      }),
    );
    expect(reported.map((r) => [String(r.error), r.type])).toEqual([
      ['Error: database is locked', 'message.created'],
    ]);
  });
});
