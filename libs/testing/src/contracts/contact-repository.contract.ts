import { Contact, newId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aTenantId, nextTime } from '../builders';
import { MakeStore, seedUsers, useStore } from './store-under-test';

/** Contracts of `ContactRepository` and `BlockRepository`. */
export function contactRepositoryContract(makeStore: MakeStore): void {
  describe('ContactRepository', () => {
    const store = useStore(makeStore);

    it('adds idempotently, one direction only, and removes', async () => {
      const t = aTenantId();
      const [me, you] = await seedUsers(store(), t, 2);
      expect(await store().contacts.add(t, me.id, you.id, nextTime())).toBe(true);
      expect(await store().contacts.add(t, me.id, you.id, nextTime())).toBe(false);
      expect(await store().contacts.isContact(t, me.id, you.id)).toBe(true);
      expect(await store().contacts.isContact(t, you.id, me.id)).toBe(false);
      expect(await store().contacts.remove(t, me.id, you.id)).toBe(true);
      expect(await store().contacts.remove(t, me.id, you.id)).toBe(false);
      expect(await store().contacts.isContact(t, me.id, you.id)).toBe(false);
    });

    it('lists contacts oldest first across pages', async () => {
      const t = aTenantId();
      const [me, ...others] = await seedUsers(store(), t, 6);
      const added: Contact[] = [];
      // Added in an order unrelated to id or creation order of the users.
      for (const u of [others[3], others[0], others[4], others[2], others[1]]) {
        const at = nextTime();
        await store().contacts.add(t, me.id, u.id, at);
        added.push({ ownerId: me.id, contactId: u.id, createdAt: at });
      }
      const stranger = (await seedUsers(store(), t, 1))[0];
      await store().contacts.add(t, stranger.id, me.id, nextTime());

      const seen: Contact[] = [];
      let after: string | null = null;
      for (let pageNo = 0; pageNo < 3; pageNo++) {
        const page = await store().contacts.list(t, me.id, { first: 2, after });
        expect(page.cursors).toHaveLength(page.items.length);
        seen.push(...page.items);
        expect(page.hasNextPage).toBe(pageNo < 2);
        after = page.cursors[page.cursors.length - 1] ?? null;
      }
      expect(seen).toEqual(added);
      const all = await store().contacts.list(t, me.id, { first: 100, after: null });
      expect(all.items).toEqual(added);
      expect(all.hasNextPage).toBe(false);
      const exact = await store().contacts.list(t, me.id, { first: 5, after: null });
      expect(exact.hasNextPage).toBe(false);
    });

    it('lists up to `limit` contact ids', async () => {
      const t = aTenantId();
      const [me, ...others] = await seedUsers(store(), t, 4);
      for (const u of others) await store().contacts.add(t, me.id, u.id, nextTime());
      expect((await store().contacts.listIds(t, me.id, 10)).sort()).toEqual(
        others.map((u) => u.id).sort(),
      );
      const two = await store().contacts.listIds(t, me.id, 2);
      expect(two).toHaveLength(2);
      expect(others.map((u) => u.id)).toEqual(expect.arrayContaining(two));
      expect(await store().contacts.listIds(t, newId(), 10)).toEqual([]);
    });

    it('never reads or changes another tenant’s contacts, even with their ids', async () => {
      const a = aTenantId();
      const b = aTenantId();
      const [me, you] = await seedUsers(store(), a, 2);
      await store().contacts.add(a, me.id, you.id, nextTime());
      expect(await store().contacts.isContact(b, me.id, you.id)).toBe(false);
      expect(await store().contacts.list(b, me.id, { first: 10, after: null })).toEqual({
        items: [],
        cursors: [],
        hasNextPage: false,
      });
      expect(await store().contacts.listIds(b, me.id, 10)).toEqual([]);
      expect(await store().contacts.remove(b, me.id, you.id)).toBe(false);
      expect(await store().contacts.isContact(a, me.id, you.id)).toBe(true);
      // A write in B with A's ids may be refused (unknown users there) but never lands in A.
      await store()
        .contacts.add(b, you.id, me.id, nextTime())
        .catch(() => undefined);
      expect(await store().contacts.isContact(a, you.id, me.id)).toBe(false);
    });

    it('reads both directions between one user and many in one call, as isContact answers each pair', async () => {
      const t = aTenantId();
      const other = aTenantId();
      const [me, mine, theirs, both, neither, third] = await seedUsers(store(), t, 6);
      await store().contacts.add(t, me.id, mine.id, nextTime());
      await store().contacts.add(t, theirs.id, me.id, nextTime());
      await store().contacts.add(t, me.id, both.id, nextTime());
      await store().contacts.add(t, both.id, me.id, nextTime());
      // Pairs that do not involve `me` stay out.
      await store().contacts.add(t, mine.id, theirs.id, nextTime());
      await store().contacts.add(t, third.id, neither.id, nextTime());
      const ids = [mine.id, theirs.id, both.id, neither.id, newId()];
      const r = await store().contacts.relationsAmong(t, me.id, ids);
      expect([...r.contacts].sort()).toEqual([mine.id, both.id].sort());
      expect([...r.contactOf].sort()).toEqual([theirs.id, both.id].sort());
      for (const id of ids) {
        expect(r.contacts.has(id), id).toBe(await store().contacts.isContact(t, me.id, id));
        expect(r.contactOf.has(id), id).toBe(await store().contacts.isContact(t, id, me.id));
      }
      // Only users not yet asked about (third) are excluded even though they have contacts.
      expect(r.contacts.has(third.id) || r.contactOf.has(third.id)).toBe(false);
      expect(await store().contacts.relationsAmong(t, me.id, [])).toEqual({
        contacts: new Set(),
        contactOf: new Set(),
      });
      expect(await store().contacts.relationsAmong(other, me.id, ids)).toEqual({
        contacts: new Set(),
        contactOf: new Set(),
      });
    });
  });

  describe('BlockRepository', () => {
    const store = useStore(makeStore);

    it('blocks idempotently, in one direction, and unblocks', async () => {
      const t = aTenantId();
      const [me, you] = await seedUsers(store(), t, 2);
      expect(await store().blocks.block(t, me.id, you.id, nextTime())).toBe(true);
      expect(await store().blocks.block(t, me.id, you.id, nextTime())).toBe(false);
      expect(await store().blocks.hasBlocked(t, me.id, you.id)).toBe(true);
      expect(await store().blocks.hasBlocked(t, you.id, me.id)).toBe(false);
      expect(await store().blocks.isBlockedEitherWay(t, me.id, you.id)).toBe(true);
      expect(await store().blocks.isBlockedEitherWay(t, you.id, me.id)).toBe(true);
      expect(await store().blocks.unblock(t, me.id, you.id)).toBe(true);
      expect(await store().blocks.unblock(t, me.id, you.id)).toBe(false);
      expect(await store().blocks.isBlockedEitherWay(t, you.id, me.id)).toBe(false);
      expect(await store().blocks.hasBlocked(t, me.id, you.id)).toBe(false);
    });

    it('lists blocked ids newest first', async () => {
      const t = aTenantId();
      const [me, u1, u2, u3] = await seedUsers(store(), t, 4);
      await store().blocks.block(t, me.id, u2.id, nextTime());
      await store().blocks.block(t, me.id, u1.id, nextTime());
      await store().blocks.block(t, me.id, u3.id, nextTime());
      await store().blocks.block(t, u1.id, me.id, nextTime());
      expect(await store().blocks.listBlocked(t, me.id)).toEqual([u3.id, u1.id, u2.id]);
      expect(await store().blocks.listBlocked(t, u2.id)).toEqual([]);
    });

    it('never reads or changes another tenant’s blocks, even with their ids', async () => {
      const a = aTenantId();
      const b = aTenantId();
      const [me, you] = await seedUsers(store(), a, 2);
      await store().blocks.block(a, me.id, you.id, nextTime());
      expect(await store().blocks.hasBlocked(b, me.id, you.id)).toBe(false);
      expect(await store().blocks.isBlockedEitherWay(b, me.id, you.id)).toBe(false);
      expect(await store().blocks.listBlocked(b, me.id)).toEqual([]);
      expect(await store().blocks.unblock(b, me.id, you.id)).toBe(false);
      expect(await store().blocks.hasBlocked(a, me.id, you.id)).toBe(true);
      await store()
        .blocks.block(b, you.id, me.id, nextTime())
        .catch(() => undefined);
      expect(await store().blocks.hasBlocked(a, you.id, me.id)).toBe(false);
      expect(await store().blocks.listBlocked(a, you.id)).toEqual([]);
    });

    it('reads blocks in both directions between one user and many in one call', async () => {
      const t = aTenantId();
      const [me, blockedByMe, blocksMe, mutual, neither] = await seedUsers(store(), t, 5);
      await store().blocks.block(t, me.id, blockedByMe.id, nextTime());
      await store().blocks.block(t, blocksMe.id, me.id, nextTime());
      await store().blocks.block(t, me.id, mutual.id, nextTime());
      await store().blocks.block(t, mutual.id, me.id, nextTime());
      await store().blocks.block(t, blockedByMe.id, neither.id, nextTime());
      const ids = [blockedByMe.id, blocksMe.id, mutual.id, neither.id];
      const r = await store().blocks.blocksAmong(t, me.id, ids);
      expect([...r.blocked].sort()).toEqual([blockedByMe.id, mutual.id].sort());
      expect([...r.blockedBy].sort()).toEqual([blocksMe.id, mutual.id].sort());
      for (const id of ids) {
        expect(r.blocked.has(id) || r.blockedBy.has(id), id).toBe(
          await store().blocks.isBlockedEitherWay(t, me.id, id),
        );
      }
      expect(await store().blocks.blocksAmong(aTenantId(), me.id, ids)).toEqual({
        blocked: new Set(),
        blockedBy: new Set(),
      });
      expect(await store().blocks.blocksAmong(t, me.id, [])).toEqual({
        blocked: new Set(),
        blockedBy: new Set(),
      });
    });
  });
}
