import {
  IncomingWebhook,
  newId,
  QueuedWebhookDelivery,
  Webhook,
  WebhookDelivery,
} from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aTenantId, nextTime } from '../builders';
import { MakeStore, StoreUnderTest, useStore } from './store-under-test';

/** Contract of `WebhookRepository`. */
export function webhookRepositoryContract(makeStore: MakeStore): void {
  describe('WebhookRepository', () => {
    const store = useStore(makeStore);

    const aWebhook = (tenantId: string, patch: Partial<Webhook> = {}): Webhook => ({
      id: newId(),
      tenantId,
      botId: newId(),
      url: 'https://hooks.example.com/chatter',
      secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0',
      conversationIds: [newId(), newId()].sort(),
      events: ['message.created', 'message.deleted'],
      createdAt: nextTime(),
      consecutiveFailures: 0,
      disabledAt: null,
      disabledReason: null,
      ...patch,
    });
    const aDelivery = (w: Webhook, attempt: number): WebhookDelivery => ({
      id: newId(),
      tenantId: w.tenantId,
      webhookId: w.id,
      eventId: `msg_${newId()}`,
      eventType: 'message.created',
      attempt,
      status: attempt === 1 ? 'RETRYING' : 'DELIVERED',
      responseStatus: attempt === 1 ? 500 : 204,
      error: null,
      at: nextTime(),
    });
    const stored = (s: StoreUnderTest, w: Webhook) => s.webhooks.create(w);

    it('stores a webhook and finds it by tenant and id only', async () => {
      const w = aWebhook(aTenantId());
      expect(await stored(store(), w)).toEqual(w);
      expect(await store().webhooks.findById(w.tenantId, w.id)).toEqual(w);
      expect(await store().webhooks.findById(aTenantId(), w.id)).toBeNull();
    });

    it('lists by bot (oldest first) and by conversation, within the tenant', async () => {
      const t = aTenantId();
      const botId = newId();
      const shared = newId();
      const a = await stored(store(), aWebhook(t, { botId, conversationIds: [shared] }));
      const b = await stored(store(), aWebhook(t, { botId }));
      const c = await stored(store(), aWebhook(t, { conversationIds: [shared] }));
      await stored(store(), aWebhook(aTenantId(), { botId, conversationIds: [shared] }));
      expect(await store().webhooks.listByBot(t, botId)).toEqual([a, b]);
      expect(await store().webhooks.listForConversation(t, shared)).toEqual([a, c]);
      expect(await store().webhooks.listForConversation(t, newId())).toEqual([]);
    });

    it('keeps the delivery log newest first, per webhook, capped by the limit', async () => {
      const w = await stored(store(), aWebhook(aTenantId()));
      const other = await stored(store(), aWebhook(w.tenantId));
      const first = aDelivery(w, 1);
      const second = aDelivery(w, 2);
      await store().webhooks.addDelivery(first);
      await store().webhooks.addDelivery(second);
      await store().webhooks.addDelivery(aDelivery(other, 1));
      expect(await store().webhooks.listDeliveries(w.tenantId, w.id, 10)).toEqual([second, first]);
      expect(await store().webhooks.listDeliveries(w.tenantId, w.id, 1)).toEqual([second]);
      expect(await store().webhooks.listDeliveries(aTenantId(), w.id, 10)).toEqual([]);
      const dead = { ...aDelivery(w, 3), status: 'DEAD' as const, responseStatus: 500 };
      await store().webhooks.addDelivery(dead);
      expect((await store().webhooks.listDeliveries(w.tenantId, w.id, 1))[0]).toEqual(dead);
    });

    it('counts consecutive failures, disables at the limit, resets on success and on enable', async () => {
      const w = await stored(store(), aWebhook(aTenantId()));
      const at = nextTime();
      expect(await store().webhooks.recordFailure(w.tenantId, w.id, 3, at)).toMatchObject({
        consecutiveFailures: 1,
        disabledAt: null,
      });
      await store().webhooks.recordSuccess(w.tenantId, w.id);
      expect((await store().webhooks.findById(w.tenantId, w.id))?.consecutiveFailures).toBe(0);
      await store().webhooks.recordFailure(w.tenantId, w.id, 3, at);
      await store().webhooks.recordFailure(w.tenantId, w.id, 3, at);
      const disabled = await store().webhooks.recordFailure(w.tenantId, w.id, 3, at);
      expect(disabled).toMatchObject({
        consecutiveFailures: 3,
        disabledAt: at,
        disabledReason: 'FAILING',
      });
      // Already disabled: the first date and reason stay.
      const later = await store().webhooks.recordFailure(w.tenantId, w.id, 3, nextTime());
      expect(later).toMatchObject({
        consecutiveFailures: 4,
        disabledAt: at,
        disabledReason: 'FAILING',
      });
      expect(await store().webhooks.disable(w.tenantId, w.id, 'GONE', nextTime())).toMatchObject({
        disabledAt: at,
        disabledReason: 'FAILING',
      });
      expect(await store().webhooks.enable(w.tenantId, w.id)).toEqual({ ...w });
      const gone = nextTime();
      expect(await store().webhooks.disable(w.tenantId, w.id, 'GONE', gone)).toEqual({
        ...w,
        disabledAt: gone,
        disabledReason: 'GONE',
      });
      expect(await store().webhooks.enable(aTenantId(), w.id)).toBeNull();
      expect(await store().webhooks.recordFailure(aTenantId(), w.id, 1, at)).toBeNull();
    });

    it('prunes log entries from before a time, oldest first, across tenants, in batches', async () => {
      const w = await stored(store(), aWebhook(aTenantId()));
      const elsewhere = await stored(store(), aWebhook(aTenantId()));
      const old = [aDelivery(w, 1), aDelivery(elsewhere, 1), aDelivery(w, 2)];
      const cutoff = nextTime();
      const recent = [aDelivery(w, 3), aDelivery(elsewhere, 2)];
      for (const d of [...old, ...recent]) await store().webhooks.addDelivery(d);
      expect(await store().webhooks.pruneDeliveries(cutoff, 2)).toBe(2);
      // The oldest two went first: the third old one is still there.
      expect(await store().webhooks.listDeliveries(w.tenantId, w.id, 10)).toEqual([
        recent[0],
        old[2],
      ]);
      expect(await store().webhooks.pruneDeliveries(cutoff, 2)).toBe(1);
      expect(await store().webhooks.pruneDeliveries(cutoff, 2)).toBe(0);
      expect(await store().webhooks.listDeliveries(w.tenantId, w.id, 10)).toEqual([recent[0]]);
      expect(await store().webhooks.listDeliveries(elsewhere.tenantId, elsewhere.id, 10)).toEqual([
        recent[1],
      ]);
    });
  });
}

/**
 * Contract of `WebhookQueueRepository`. `concurrentClaims: false` skips the race between two
 * claimers, for the MongoDB test engine, which loses concurrent updates (real servers run it).
 */
export function webhookQueueRepositoryContract(
  makeStore: MakeStore,
  options: { concurrentClaims: boolean } = { concurrentClaims: true },
): void {
  describe('WebhookQueueRepository', () => {
    const store = useStore(makeStore);
    const T0 = Date.UTC(2031, 0, 1);
    const at = (ms: number) => new Date(T0 + ms);

    async function aWebhookIn(s: StoreUnderTest, tenantId: string): Promise<Webhook> {
      return s.webhooks.create({
        id: newId(),
        tenantId,
        botId: newId(),
        url: 'https://hooks.example.com/q',
        secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0',
        conversationIds: [newId()],
        events: ['message.created'],
        createdAt: at(0),
        consecutiveFailures: 0,
        disabledAt: null,
        disabledReason: null,
      });
    }
    const queued = (w: Webhook, dueMs: number, body = '{"n":1}'): QueuedWebhookDelivery => ({
      id: newId(),
      tenantId: w.tenantId,
      webhookId: w.id,
      conversationId: w.conversationIds[0]!,
      eventId: `msg_${newId()}`,
      eventType: 'message.created',
      body,
      attempt: 1,
      nextAttemptAt: at(dueMs),
      leaseOwner: null,
      leaseUntil: null,
      status: 'PENDING',
      createdAt: at(dueMs),
    });

    it('claims due deliveries once, oldest due first, with a lease, and keeps bodies exactly', async () => {
      const w = await aWebhookIn(store(), aTenantId());
      const body = JSON.stringify({ text: '\u0000 <script>é 👩‍👩‍👧 "q" \\ \u202e' });
      const a = queued(w, 100, body);
      const b = queued(w, 50);
      const later = queued(w, 10_000);
      for (const d of [a, b, later]) await store().webhookQueue.enqueue(d);
      const claimed = await store().webhookQueue.claimDue(at(200), 'one', at(5_000), 10);
      expect(claimed.map((d) => d.id)).toEqual([b.id, a.id]);
      expect(claimed[1]).toEqual({ ...a, leaseOwner: 'one', leaseUntil: at(5_000) });
      // Leased: another instance gets nothing until the lease runs out.
      expect(await store().webhookQueue.claimDue(at(300), 'two', at(6_000), 10)).toEqual([]);
      const again = await store().webhookQueue.claimDue(at(5_000), 'two', at(9_000), 1);
      expect(again.map((d) => [d.id, d.attempt, d.leaseOwner])).toEqual([[b.id, 1, 'two']]);
      // The old owner lost it: it can no longer settle it.
      expect(await store().webhookQueue.remove(w.tenantId, b.id, 'one')).toBe(false);
      expect(await store().webhookQueue.remove(w.tenantId, b.id, 'two')).toBe(true);
      expect(
        (await store().webhookQueue.listByWebhook(w.tenantId, w.id, 10)).map((d) => d.id),
      ).toEqual([a.id, later.id]);
    });

    it('takes a repeated enqueue of the same delivery as done (a retry stores it once)', async () => {
      const w = await aWebhookIn(store(), aTenantId());
      const d = queued(w, 0);
      await store().webhookQueue.enqueue(d);
      await store().webhookQueue.enqueue({ ...d, body: '{"n":2}' });
      expect(await store().webhookQueue.listByWebhook(w.tenantId, w.id, 10)).toEqual([d]);
    });

    it('reschedules the next attempt and dead-letters, for the lease owner only', async () => {
      const w = await aWebhookIn(store(), aTenantId());
      const d = queued(w, 0);
      await store().webhookQueue.enqueue(d);
      await store().webhookQueue.claimDue(at(0), 'one', at(1_000), 5);
      expect(await store().webhookQueue.reschedule(w.tenantId, d.id, 'two', 2, at(500))).toBe(
        false,
      );
      expect(await store().webhookQueue.reschedule(w.tenantId, d.id, 'one', 2, at(500))).toBe(true);
      expect(await store().webhookQueue.claimDue(at(499), 'one', at(2_000), 5)).toEqual([]);
      const [second] = await store().webhookQueue.claimDue(at(500), 'one', at(2_000), 5);
      expect(second).toMatchObject({ id: d.id, attempt: 2, leaseOwner: 'one' });
      expect(await store().webhookQueue.markDead(w.tenantId, d.id, 'two')).toBe(false);
      expect(await store().webhookQueue.markDead(w.tenantId, d.id, 'one')).toBe(true);
      expect(await store().webhookQueue.claimDue(at(100_000), 'one', at(200_000), 5)).toEqual([]);
      expect(await store().webhookQueue.listByWebhook(w.tenantId, w.id, 10)).toEqual([
        { ...d, attempt: 2, nextAttemptAt: at(500), status: 'DEAD' },
      ]);
      expect(await store().webhookQueue.listByWebhook(aTenantId(), w.id, 10)).toEqual([]);
    });

    it('prunes dead letters from before a time, oldest first, never a pending delivery', async () => {
      const w = await aWebhookIn(store(), aTenantId());
      const other = await aWebhookIn(store(), aTenantId());
      const deadAt = async (hook: Webhook, ms: number) => {
        const d = queued(hook, ms);
        await store().webhookQueue.enqueue(d);
        await store().webhookQueue.claimDue(at(ms), 'one', at(ms + 1), 1);
        expect(await store().webhookQueue.markDead(hook.tenantId, d.id, 'one')).toBe(true);
        return d;
      };
      await deadAt(w, 10);
      await deadAt(other, 20);
      const c = await deadAt(w, 30);
      const recent = await deadAt(w, 5_000);
      const pending = queued(w, 0); // older than all, but still to be sent
      await store().webhookQueue.enqueue(pending);
      expect(await store().webhookQueue.pruneDead(at(1_000), 2)).toBe(2);
      const left = async (hook: Webhook) =>
        (await store().webhookQueue.listByWebhook(hook.tenantId, hook.id, 10)).map((d) => d.id);
      expect(await left(w)).toEqual([pending.id, c.id, recent.id]);
      expect(await left(other)).toEqual([]);
      expect(await store().webhookQueue.pruneDead(at(1_000), 2)).toBe(1);
      expect(await store().webhookQueue.pruneDead(at(1_000), 2)).toBe(0);
      expect(await left(w)).toEqual([pending.id, recent.id]);
    });

    it.runIf(options.concurrentClaims)(
      'gives each delivery to one of two concurrent claimers',
      async () => {
        const w = await aWebhookIn(store(), aTenantId());
        for (let i = 0; i < 12; i++) await store().webhookQueue.enqueue(queued(w, i));
        const [x, y] = await Promise.all([
          store().webhookQueue.claimDue(at(100), 'x', at(9_000), 8),
          store().webhookQueue.claimDue(at(100), 'y', at(9_000), 8),
        ]);
        const ids = [...x, ...y].map((d) => d.id);
        expect(ids).toHaveLength(12);
        expect(new Set(ids).size).toBe(12);
      },
    );
  });
}

/** Contract of `IncomingWebhookRepository`. */
export function incomingWebhookRepositoryContract(makeStore: MakeStore): void {
  describe('IncomingWebhookRepository', () => {
    const store = useStore(makeStore);
    const aHook = (tenantId: string, botId = newId()): IncomingWebhook => ({
      id: newId(),
      tenantId,
      botId,
      conversationId: newId(),
      secretHash: 'b'.repeat(64),
      createdAt: nextTime(),
      revokedAt: null,
    });

    it('finds a hook by id alone and lists a bot’s hooks oldest first', async () => {
      const t = aTenantId();
      const botId = newId();
      const a = await store().incomingWebhooks.create(aHook(t, botId));
      const b = await store().incomingWebhooks.create(aHook(t, botId));
      await store().incomingWebhooks.create(aHook(aTenantId(), botId));
      expect(await store().incomingWebhooks.findById(a.id)).toEqual(a);
      expect(await store().incomingWebhooks.findById(newId())).toBeNull();
      expect(await store().incomingWebhooks.listByBot(t, botId)).toEqual([a, b]);
    });

    it('revokes only for its own bot, idempotently', async () => {
      const hook = await store().incomingWebhooks.create(aHook(aTenantId()));
      expect(
        await store().incomingWebhooks.revoke(hook.tenantId, newId(), hook.id, nextTime()),
      ).toBeNull();
      const at = nextTime();
      expect(await store().incomingWebhooks.revoke(hook.tenantId, hook.botId, hook.id, at)).toEqual(
        {
          ...hook,
          revokedAt: at,
        },
      );
      expect(
        (await store().incomingWebhooks.revoke(hook.tenantId, hook.botId, hook.id, nextTime()))
          ?.revokedAt,
      ).toEqual(at);
    });
  });
}
