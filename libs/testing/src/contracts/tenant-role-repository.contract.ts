import { describe, expect, it } from 'vitest';
import { aTenantId } from '../builders';
import { MakeStore, seedUsers, useStore } from './store-under-test';

/** Contract of `TenantRoleRepository`. */
export function tenantRoleRepositoryContract(makeStore: MakeStore): void {
  describe('TenantRoleRepository', () => {
    const store = useStore(makeStore);
    const at = new Date('2026-03-01T10:00:00.000Z');

    it('grants a role and finds it with every field intact; none for others', async () => {
      const t = aTenantId();
      const [ann, ben] = await seedUsers(store(), t, 2);
      const grant = {
        tenantId: t,
        userId: ann.id,
        role: 'OWNER' as const,
        grantedBy: null,
        grantedAt: at,
      };
      expect(await store().tenantRoles.set(grant)).toEqual(grant);
      expect(await store().tenantRoles.find(t, ann.id)).toEqual(grant);
      expect(await store().tenantRoles.find(t, ben.id)).toBeNull();
    });

    it('keeps one role per user: a second grant replaces the first', async () => {
      const t = aTenantId();
      const [ann, ben] = await seedUsers(store(), t, 2);
      await store().tenantRoles.set({
        tenantId: t,
        userId: ben.id,
        role: 'OWNER',
        grantedBy: null,
        grantedAt: at,
      });
      const later = new Date(at.getTime() + 1000);
      const replaced = {
        tenantId: t,
        userId: ben.id,
        role: 'ADMIN' as const,
        grantedBy: ann.id,
        grantedAt: later,
      };
      expect(await store().tenantRoles.set(replaced)).toEqual(replaced);
      expect(await store().tenantRoles.find(t, ben.id)).toEqual(replaced);
      expect(await store().tenantRoles.countWithRole(t, 'OWNER')).toBe(0);
      expect(await store().tenantRoles.countWithRole(t, 'ADMIN')).toBe(1);
    });

    it('removes a role, reporting whether there was one', async () => {
      const t = aTenantId();
      const [ann] = await seedUsers(store(), t, 1);
      await store().tenantRoles.set({
        tenantId: t,
        userId: ann.id,
        role: 'ADMIN',
        grantedBy: null,
        grantedAt: at,
      });
      expect(await store().tenantRoles.remove(t, ann.id)).toBe(true);
      expect(await store().tenantRoles.remove(t, ann.id)).toBe(false);
      expect(await store().tenantRoles.find(t, ann.id)).toBeNull();
    });

    it('lists owners first, then admins, by user id; other tenants stay apart', async () => {
      const t = aTenantId();
      const other = aTenantId();
      const users = await seedUsers(store(), t, 4);
      const [stranger] = await seedUsers(store(), other, 1);
      const roles = ['ADMIN', 'OWNER', 'ADMIN', 'OWNER'] as const;
      for (const [i, user] of users.entries())
        await store().tenantRoles.set({
          tenantId: t,
          userId: user.id,
          role: roles[i],
          grantedBy: null,
          grantedAt: at,
        });
      await store().tenantRoles.set({
        tenantId: other,
        userId: stranger.id,
        role: 'OWNER',
        grantedBy: null,
        grantedAt: at,
      });
      const byId = (ids: string[]) => [...ids].sort();
      const owners = byId([users[1].id, users[3].id]);
      const admins = byId([users[0].id, users[2].id]);
      expect((await store().tenantRoles.list(t)).map((g) => [g.role, g.userId])).toEqual([
        ...owners.map((id) => ['OWNER', id]),
        ...admins.map((id) => ['ADMIN', id]),
      ]);
      expect(await store().tenantRoles.countWithRole(t, 'OWNER')).toBe(2);
      expect(await store().tenantRoles.find(other, users[0].id)).toBeNull();
      expect((await store().tenantRoles.list(other)).map((g) => g.userId)).toEqual([stranger.id]);
    });
  });
}
