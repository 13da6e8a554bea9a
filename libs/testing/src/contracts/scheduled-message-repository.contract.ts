import { newId, ScheduledMessage } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aTenantId } from '../builders';
import { MakeStore, useStore } from './store-under-test';

/** Contract of `ScheduledMessageRepository`: the durable timer behind "send later". */
export function scheduledMessageRepositoryContract(makeStore: MakeStore): void {
  describe('ScheduledMessageRepository', () => {
    const store = useStore(makeStore);
    const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 8, 0, s));
    const aScheduled = (
      t: string,
      sendAtS: number,
      over: Partial<ScheduledMessage> = {},
    ): ScheduledMessage => ({
      id: newId(),
      tenantId: t,
      conversationId: newId(),
      senderId: newId(),
      clientMessageId: `c-${newId()}`,
      body: 'later $& 東京 \u202e',
      sendAt: at(sendAtS),
      state: 'PENDING',
      failure: null,
      claimedUntil: null,
      createdAt: at(0),
      updatedAt: at(0),
      ...over,
    });

    it('stores one per (sender, clientMessageId) and lists the sender’s soonest first', async () => {
      const t = aTenantId();
      const sender = newId();
      const conv = newId();
      const late = aScheduled(t, 50, { senderId: sender, conversationId: conv });
      const early = aScheduled(t, 10, { senderId: sender });
      const s = store().scheduledMessages;
      expect(await s.create(late)).toEqual({ scheduled: late, created: true });
      await s.create(early);
      await s.create(aScheduled(t, 5));
      await s.create(aScheduled(aTenantId(), 5, { senderId: sender }));
      const retry = await s.create({ ...late, id: newId(), body: 'other' });
      expect(retry).toEqual({ scheduled: late, created: false });
      expect(await s.findById(t, late.id)).toEqual(late);
      expect(await s.findById(aTenantId(), late.id)).toBeNull();
      expect((await s.listBySender(t, sender, null, 10)).map((m) => m.id)).toEqual([
        early.id,
        late.id,
      ]);
      expect((await s.listBySender(t, sender, conv, 10)).map((m) => m.id)).toEqual([late.id]);
      expect(await s.listBySender(t, sender, null, 1)).toEqual([early]);
      expect(await s.countPending(t, sender)).toBe(2);
    });

    it('edits and cancels only while pending, and only the sender’s', async () => {
      const t = aTenantId();
      const m = aScheduled(t, 30);
      const s = store().scheduledMessages;
      await s.create(m);
      expect(await s.update(t, m.id, newId(), { body: 'x' }, at(1))).toBeNull();
      const edited = await s.update(t, m.id, m.senderId, { sendAt: at(40) }, at(2));
      expect(edited).toEqual({ ...m, sendAt: at(40), updatedAt: at(2) });
      const rebody = await s.update(t, m.id, m.senderId, { body: 'new' }, at(3));
      expect(rebody).toMatchObject({ body: 'new', sendAt: at(40) });
      expect(await s.cancel(t, m.id, newId())).toBe(false);
      const [claimed] = await s.claimDue(at(41), at(100), 10);
      expect(claimed).toMatchObject({ id: m.id, state: 'SENDING', claimedUntil: at(100) });
      expect(await s.update(t, m.id, m.senderId, { body: 'late' }, at(42))).toBeNull();
      expect(await s.cancel(t, m.id, m.senderId)).toBe(false);
      await s.markFailed(t, m.id, 'NOT_A_MEMBER', at(43));
      expect(await s.findById(t, m.id)).toMatchObject({
        state: 'FAILED',
        failure: 'NOT_A_MEMBER',
        claimedUntil: null,
      });
      expect(await s.countPending(t, m.senderId)).toBe(0);
      expect(await s.cancel(t, m.id, m.senderId)).toBe(true);
      expect(await s.findById(t, m.id)).toBeNull();
    });

    it('claims each due message once until its lease ends, then again; sent ones are gone', async () => {
      const t = aTenantId();
      const due1 = aScheduled(t, 10);
      const due2 = aScheduled(aTenantId(), 20);
      const later = aScheduled(t, 90);
      const s = store().scheduledMessages;
      for (const m of [later, due2, due1]) await s.create(m);
      const first = await s.claimDue(at(30), at(60), 10);
      expect(first.map((m) => m.id)).toEqual([due1.id, due2.id]);
      expect(await s.claimDue(at(31), at(61), 10)).toEqual([]);
      await s.completeSent(t, due1.id);
      expect(await s.findById(t, due1.id)).toBeNull();
      // due2's instance died: after its lease another claims it.
      const again = await s.claimDue(at(60), at(120), 10);
      expect(again.map((m) => m.id)).toEqual([due2.id]);
      await s.release(due2.tenantId, due2.id);
      expect(await s.findById(due2.tenantId, due2.id)).toMatchObject({
        state: 'PENDING',
        claimedUntil: null,
      });
      const racing = await Promise.all([
        s.claimDue(at(95), at(200), 10),
        s.claimDue(at(95), at(200), 10),
      ]);
      expect(
        racing
          .flat()
          .map((m) => m.id)
          .sort(),
      ).toEqual([due2.id, later.id].sort());
      expect(await s.claimDue(at(95), at(200), 0)).toEqual([]);
    });
  });
}
