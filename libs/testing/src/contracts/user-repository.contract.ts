import { newId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aTenantId, aUser, nextTime } from '../builders';
import { MakeStore, expectDomainError, useStore } from './store-under-test';

/** Contract of `UserRepository`. */
export function userRepositoryContract(makeStore: MakeStore): void {
  describe('UserRepository', () => {
    const store = useStore(makeStore);

    it('creates a user and finds it by id, phone and externalId with every field intact', async () => {
      const t = aTenantId();
      const user = aUser(t, {
        avatarUrl: 'https://example.com/a.png',
        statusText: 'busy',
        statusEmoji: '🚀',
        presencePrivacy: 'CONTACTS',
        lastSeenAt: nextTime(),
      });
      expect(await store().users.create(user)).toEqual(user);
      expect(await store().users.findById(t, user.id)).toEqual(user);
      expect(await store().users.findByPhone(t, user.phone!)).toEqual(user);
      expect(await store().users.findById(t, newId())).toBeNull();
      expect(await store().users.findByPhone(t, '+15550000000')).toBeNull();

      const app = aUser(t, { phone: null, externalId: 'ext-1' });
      await store().users.create(app);
      expect(await store().users.findByExternalId(t, 'ext-1')).toEqual(app);
      expect(await store().users.findByExternalId(t, 'ext-2')).toBeNull();
    });

    it('rejects a duplicate phone or externalId within a tenant with CONFLICT, not across tenants', async () => {
      const t = aTenantId();
      const first = await store().users.create(aUser(t, { externalId: 'ext-dup' }));
      await expectDomainError(store().users.create(aUser(t, { phone: first.phone })), 'CONFLICT');
      await expectDomainError(
        store().users.create(aUser(t, { externalId: 'ext-dup' })),
        'CONFLICT',
      );
      expect(await store().users.findByPhone(t, first.phone!)).toEqual(first);

      const other = aTenantId();
      const same = await store().users.create(
        aUser(other, { phone: first.phone, externalId: 'ext-dup' }),
      );
      expect(await store().users.findByPhone(other, first.phone!)).toEqual(same);
      expect(await store().users.findByPhone(t, first.phone!)).toEqual(first);
    });

    it('allows many users without phone or without externalId', async () => {
      const t = aTenantId();
      await store().users.create(aUser(t, { phone: null, externalId: 'a' }));
      await store().users.create(aUser(t, { phone: null, externalId: 'b' }));
      await store().users.create(aUser(t));
      await store().users.create(aUser(t));
      expect(await store().users.findByExternalId(t, 'b')).not.toBeNull();
    });

    it('finds several users by id, skipping unknown ids', async () => {
      const t = aTenantId();
      const a = await store().users.create(aUser(t));
      const b = await store().users.create(aUser(t));
      const found = await store().users.findByIds(t, [b.id, newId(), a.id]);
      expect(found.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      expect(found.find((u) => u.id === a.id)).toEqual(a);
      expect(await store().users.findByIds(t, [])).toEqual([]);
    });

    it('applies a partial profile patch and sets updatedAt', async () => {
      const t = aTenantId();
      const user = await store().users.create(
        aUser(t, { avatarUrl: 'https://example.com/old.png', statusText: 'hi' }),
      );
      const at = nextTime();
      const updated = await store().users.update(
        t,
        user.id,
        { name: 'Renamed', avatarUrl: null, presencePrivacy: 'NOBODY' },
        at,
      );
      const expected = {
        ...user,
        name: 'Renamed',
        avatarUrl: null,
        presencePrivacy: 'NOBODY',
        updatedAt: at,
      };
      expect(updated).toEqual(expected);
      expect(await store().users.findById(t, user.id)).toEqual(expected);

      const at2 = nextTime();
      const again = await store().users.update(t, user.id, { statusEmoji: '🎉' }, at2);
      expect(again).toEqual({ ...expected, statusEmoji: '🎉', updatedAt: at2 });
      expect(await store().users.update(t, newId(), { name: 'x' }, nextTime())).toBeNull();
    });

    it('records lastSeenAt without touching updatedAt', async () => {
      const t = aTenantId();
      const user = await store().users.create(aUser(t));
      const seen = nextTime();
      await store().users.setLastSeen(t, user.id, seen);
      expect(await store().users.findById(t, user.id)).toEqual({ ...user, lastSeenAt: seen });
      await store().users.setLastSeen(t, newId(), seen); // unknown user: no error
    });

    it('never reads or changes another tenant’s users, even with their ids', async () => {
      const a = aTenantId();
      const b = aTenantId();
      const user = await store().users.create(aUser(a, { externalId: 'ext-a' }));
      expect(await store().users.findById(b, user.id)).toBeNull();
      expect(await store().users.findByIds(b, [user.id])).toEqual([]);
      expect(await store().users.findByPhone(b, user.phone!)).toBeNull();
      expect(await store().users.findByExternalId(b, 'ext-a')).toBeNull();
      expect(await store().users.update(b, user.id, { name: 'Hijacked' }, nextTime())).toBeNull();
      await store().users.setLastSeen(b, user.id, nextTime());
      expect(await store().users.findById(a, user.id)).toEqual(user);
    });
  });
}
