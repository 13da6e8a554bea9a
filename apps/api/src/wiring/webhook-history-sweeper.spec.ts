import { Logger } from '@nestjs/common';
import { ManualClock, newId, PruneWebhookHistory, TenantId, Webhook } from '@chatter/core';
import { SqliteStore } from '@chatter/store-sqlite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../platform/config';
import { WebhookHistorySweeper } from './webhook-history-sweeper';

const DAY = 24 * 3_600_000;
const T0 = Date.UTC(2031, 5, 1);
const tenantId = 'default' as TenantId;

/** Waits until the run started by a timer has gone through its store calls. */
const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
};

describe('WebhookHistorySweeper', () => {
  let store: SqliteStore;
  let hook: Webhook;
  beforeEach(async () => {
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    store = SqliteStore.open({ file: ':memory:' });
    hook = await store.webhooks.create({
      id: newId(),
      tenantId,
      botId: newId(),
      url: 'https://hooks.example.com/in',
      secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0',
      conversationIds: [newId()],
      events: ['message.created'],
      createdAt: new Date(T0),
      consecutiveFailures: 0,
      disabledAt: null,
      disabledReason: null,
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
  });

  const logAt = (ms: number) =>
    store.webhooks.addDelivery({
      id: newId(),
      tenantId,
      webhookId: hook.id,
      eventId: `msg_${newId()}`,
      eventType: 'message.created',
      attempt: 1,
      status: 'DELIVERED',
      responseStatus: 204,
      error: null,
      at: new Date(ms),
    });
  const queuedAt = async (ms: number, dead: boolean) => {
    const id = newId();
    await store.webhookQueue.enqueue({
      id,
      tenantId,
      webhookId: hook.id,
      conversationId: hook.conversationIds[0]!,
      eventId: `msg_${id}`,
      eventType: 'message.created',
      body: '{"text":"a message its sender may have deleted since"}',
      attempt: 1,
      nextAttemptAt: new Date(dead ? ms : T0 + 30 * DAY),
      leaseOwner: null,
      leaseUntil: null,
      status: 'PENDING',
      createdAt: new Date(ms),
    });
    if (dead) {
      await store.webhookQueue.claimDue(new Date(ms), 'x', new Date(ms + 1), 1);
      await store.webhookQueue.markDead(tenantId, id, 'x');
    }
    return id;
  };

  it('removes log entries and dead letters older than the kept days, in batches, an hour apart', async () => {
    // 1,200 old log entries (more than one batch) and 3 recent ones; old and recent dead
    // letters; a pending delivery as old as the oldest, which must stay.
    for (let i = 0; i < 1200; i++) await logAt(T0 + i);
    for (let i = 0; i < 3; i++) await logAt(T0 + 9 * DAY + i);
    await queuedAt(T0 + 1, true);
    const recentDead = await queuedAt(T0 + 9 * DAY, true);
    const pending = await queuedAt(T0, false);

    const clock = new ManualClock(T0 + 10 * DAY);
    const config = { webhooks: { historyDays: 7 } } as AppConfig;
    const sweeper = new WebhookHistorySweeper(
      new PruneWebhookHistory(store.webhooks, store.webhookQueue, clock),
      clock,
      config,
    );
    sweeper.onApplicationBootstrap();
    clock.advance(59_999);
    await settle();
    expect(await store.webhooks.listDeliveries(tenantId, hook.id, 5000)).toHaveLength(1203);

    clock.advance(1);
    await settle();
    const left = await store.webhooks.listDeliveries(tenantId, hook.id, 5000);
    expect(left.map((d) => d.at.getTime() - T0)).toEqual([9 * DAY + 2, 9 * DAY + 1, 9 * DAY]);
    const queue = await store.webhookQueue.listByWebhook(tenantId, hook.id, 10);
    expect(queue.map((d) => [d.id, d.status])).toEqual([
      [pending, 'PENDING'],
      [recentDead, 'DEAD'],
    ]);

    // Six days on, the next hourly run finds the recent dead letter past the kept days too.
    clock.advance(6 * DAY);
    await settle();
    clock.advance(3_600_000);
    await settle();
    expect(
      (await store.webhookQueue.listByWebhook(tenantId, hook.id, 10)).map((d) => d.id),
    ).toEqual([pending]);
    await sweeper.onApplicationShutdown();
  });
});
