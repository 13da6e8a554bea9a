import { Bot, newId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aTenantId, aUser, nextTime } from '../builders';
import { expectDomainError, MakeStore, StoreUnderTest, useStore } from './store-under-test';

/** Contract of `BotRepository`. */
export function botRepositoryContract(makeStore: MakeStore): void {
  describe('BotRepository', () => {
    const store = useStore(makeStore);

    const aStoredBot = async (
      s: StoreUnderTest,
      tenantId = aTenantId(),
      patch: Partial<Bot> = {},
    ): Promise<Bot> => {
      const user = await s.users.create({ ...aUser(tenantId), isBot: true });
      return s.bots.create({
        id: user.id,
        tenantId,
        name: user.name,
        scopes: ['READ', 'SEND'],
        conversationIds: null,
        tokenHash: 'a'.repeat(64),
        createdAt: nextTime(),
        revokedAt: null,
        ...patch,
      });
    };

    it('creates a bot and finds it by tenant and id only', async () => {
      const bot = await aStoredBot(store(), aTenantId(), {
        scopes: ['READ'],
        conversationIds: [newId(), newId()],
      });
      expect(await store().bots.findById(bot.tenantId, bot.id)).toEqual(bot);
      expect(await store().bots.findById(aTenantId(), bot.id)).toBeNull();
      expect(await store().bots.findById(bot.tenantId, newId())).toBeNull();
      expect((await store().users.findById(bot.tenantId, bot.id))?.isBot).toBe(true);
    });

    it('refuses a second bot with the same id', async () => {
      const bot = await aStoredBot(store());
      await expectDomainError(store().bots.create({ ...bot }), 'CONFLICT');
    });

    it('lists a tenant’s bots oldest first, never another tenant’s', async () => {
      const t = aTenantId();
      const first = await aStoredBot(store(), t);
      const second = await aStoredBot(store(), t, { conversationIds: [newId()] });
      await aStoredBot(store());
      expect(await store().bots.list(t)).toEqual([first, second]);
    });

    it('revokes idempotently, keeping the first time; unknown bots answer null', async () => {
      const bot = await aStoredBot(store());
      const at = nextTime();
      expect(await store().bots.revoke(bot.tenantId, bot.id, at)).toEqual({
        ...bot,
        revokedAt: at,
      });
      expect(await store().bots.revoke(bot.tenantId, bot.id, nextTime())).toEqual({
        ...bot,
        revokedAt: at,
      });
      expect(await store().bots.revoke(aTenantId(), bot.id, nextTime())).toBeNull();
      expect(await store().bots.revoke(bot.tenantId, newId(), nextTime())).toBeNull();
    });
  });
}
