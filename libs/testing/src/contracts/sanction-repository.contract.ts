import { describe, expect, it } from 'vitest';
import { aTenantId } from '../builders';
import { MakeStore, seedUsers, useStore } from './store-under-test';

/** Contract of `SanctionRepository`. */
export function sanctionRepositoryContract(makeStore: MakeStore): void {
  describe('SanctionRepository', () => {
    const store = useStore(makeStore);
    const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s));

    it('imposes a sanction and finds it with every field intact', async () => {
      const t = aTenantId();
      const [mod, spammer, other] = await seedUsers(store(), t, 3);
      const suspension = {
        tenantId: t,
        userId: spammer.id,
        kind: 'SUSPENDED' as const,
        until: at(30),
        reason: 'flooding #general',
        by: mod.id,
        at: at(1),
      };
      expect(await store().sanctions.set(suspension)).toEqual(suspension);
      expect(await store().sanctions.find(t, spammer.id)).toEqual(suspension);
      expect(await store().sanctions.find(t, other.id)).toBeNull();
      expect(await store().sanctions.find(aTenantId(), spammer.id)).toBeNull();
    });

    it('keeps one sanction per user: a ban replaces a suspension; lifting removes it once', async () => {
      const t = aTenantId();
      const [spammer] = await seedUsers(store(), t, 1);
      await store().sanctions.set({
        tenantId: t,
        userId: spammer.id,
        kind: 'SUSPENDED',
        until: at(30),
        reason: null,
        by: null,
        at: at(1),
      });
      const ban = {
        tenantId: t,
        userId: spammer.id,
        kind: 'BANNED' as const,
        until: null,
        reason: 'spam',
        by: null,
        at: at(2),
      };
      expect(await store().sanctions.set(ban)).toEqual(ban);
      expect(await store().sanctions.find(t, spammer.id)).toEqual(ban);
      expect(await store().sanctions.remove(t, spammer.id)).toBe(true);
      expect(await store().sanctions.remove(t, spammer.id)).toBe(false);
      expect(await store().sanctions.find(t, spammer.id)).toBeNull();
    });

    it("lists a tenant's sanctions, most recent first, up to the limit", async () => {
      const t = aTenantId();
      const users = await seedUsers(store(), t, 3);
      const [stranger] = await seedUsers(store(), aTenantId(), 1);
      for (const [i, u] of users.entries())
        await store().sanctions.set({
          tenantId: t,
          userId: u.id,
          kind: 'BANNED',
          until: null,
          reason: null,
          by: null,
          at: at(i),
        });
      await store().sanctions.set({
        tenantId: stranger.tenantId,
        userId: stranger.id,
        kind: 'BANNED',
        until: null,
        reason: null,
        by: null,
        at: at(9),
      });
      expect((await store().sanctions.list(t, 10)).map((s) => s.userId)).toEqual(
        [...users].reverse().map((u) => u.id),
      );
      expect((await store().sanctions.list(t, 2)).map((s) => s.userId)).toEqual([
        users[2]!.id,
        users[1]!.id,
      ]);
    });
  });
}
