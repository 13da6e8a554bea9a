import { IncomingWebhook, newId, Webhook, WebhookDelivery } from '@chatter/core';
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
    });
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
