import { NewMember, User } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, aTenantId } from '../builders';
import { MakeStore, StoreUnderTest, seedUsers, useStore } from './store-under-test';

const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });

async function aChat(s: StoreUnderTest, t: string) {
  const users = await seedUsers(s, t, 2);
  const conversation = await s.conversations.create(aConversation(t), users.map(member));
  return { conversation, users };
}

/** Contract of disappearing messages: the conversation's timer, expiry and the sweeper's reads. */
export function disappearingMessagesContract(makeStore: MakeStore): void {
  describe('disappearing messages', () => {
    const store = useStore(makeStore);
    const at = (s: number) => new Date(Date.UTC(2026, 5, 1, 9, 0, s));

    it('sets and clears the timer with a DISAPPEARING log entry', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      expect(conversation.disappearAfterSeconds).toBeNull();
      const on = await store().conversations.updateDisappearing(
        t,
        conversation.id,
        3600,
        at(1),
        users[0]!.id,
      );
      expect(on?.conversation.disappearAfterSeconds).toBe(3600);
      expect(on?.event).toMatchObject({
        kind: 'CONVERSATION_CHANGED',
        attribute: 'DISAPPEARING',
        value: '3600',
        actorId: users[0]!.id,
      });
      expect(
        (await store().conversations.findById(t, conversation.id))?.disappearAfterSeconds,
      ).toBe(3600);
      const off = await store().conversations.updateDisappearing(t, conversation.id, null, at(2));
      expect(off?.conversation.disappearAfterSeconds).toBeNull();
      expect(off?.event).toMatchObject({ attribute: 'DISAPPEARING', value: '0' });
      const events = await store().conversations.listEvents(t, conversation.id, 0, 10);
      expect(events.map((e) => e.seq)).toEqual([on!.event.seq, off!.event.seq]);
      expect(
        await store().conversations.updateDisappearing(aTenantId(), conversation.id, 60, at(3)),
      ).toBeNull();
    });

    it('keeps expiresAt; lists expired messages soonest first and deletes each once, leaving nothing', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      const other = aTenantId();
      const chat2 = await aChat(store(), other);
      const send = async (
        tenant: string,
        conv: string,
        sender: string,
        body: string,
        expiresAt: Date | null,
      ) =>
        (
          await store().messages.append(
            aMessage(tenant, conv, sender, { body, createdAt: at(0), expiresAt }),
          )
        ).message;
      const stays = await send(t, conversation.id, users[0]!.id, 'stays', null);
      const late = await send(t, conversation.id, users[0]!.id, 'vanishing zebra late', at(50));
      const early = await send(t, conversation.id, users[1]!.id, 'vanishing zebra early', at(20));
      const foreign = await send(
        other,
        chat2.conversation.id,
        chat2.users[0]!.id,
        'elsewhere',
        at(30),
      );
      expect(stays.expiresAt).toBeNull();
      expect((await store().messages.findById(t, late.id))?.expiresAt).toEqual(at(50));
      await store().messages.addReaction(t, early.id, users[0]!.id, '👍', at(1));

      expect(await store().messages.listExpired(at(10), 10)).toEqual([]);
      expect(await store().messages.listExpired(at(40), 10)).toEqual([
        { tenantId: t, conversationId: conversation.id, id: early.id, seq: early.seq },
        {
          tenantId: other,
          conversationId: chat2.conversation.id,
          id: foreign.id,
          seq: foreign.seq,
        },
      ]);
      expect(await store().messages.listExpired(at(60), 1)).toHaveLength(1);

      // Not yet expired at that time: kept.
      expect(await store().messages.deleteExpired(t, [early.id, late.id], at(40))).toEqual([
        early.id,
      ]);
      expect(await store().messages.deleteExpired(t, [early.id], at(40))).toEqual([]);
      expect(await store().messages.findById(t, early.id)).toBeNull();
      expect(await store().messages.reactions(t, [early.id], users[0]!.id)).toEqual([]);
      const history = await store().messages.listBySeq(t, conversation.id, {
        limit: 10,
        direction: 'forward',
      });
      expect(history.map((m) => m.id)).toEqual([stays.id, late.id]);
      const hits = await store().messages.search(t, users[1]!.id, 'zebra', null, 0, 10);
      expect(hits.map((h) => h.message.id)).toEqual([late.id]);
      // Another tenant's id is not deleted through this tenant.
      expect(await store().messages.deleteExpired(t, [foreign.id], at(60))).toEqual([]);
      expect(await store().messages.findById(other, foreign.id)).not.toBeNull();
    });
  });
}
