import { Message, NO_MENTIONS, NewMember, SeqRange, User, newId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, aTenantId, nextTime } from '../builders';
import { anAttachment } from './attachment-repository.contract';
import {
  MakeStore,
  StoreUnderTest,
  expectDomainError,
  seedUsers,
  useStore,
} from './store-under-test';

const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });

/** A group of `n` fresh users. */
async function aChat(s: StoreUnderTest, t: string, n: number) {
  const users = await seedUsers(s, t, n);
  const conversation = await s.conversations.create(aConversation(t), users.map(member));
  return { conversation, users };
}

/** Contract of `MessageRepository`. */
export function messageRepositoryContract(makeStore: MakeStore): void {
  describe('MessageRepository', () => {
    const store = useStore(makeStore);

    describe('append', () => {
      it('assigns the next seq, records MESSAGE_ADDED and updates the conversation', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const input = aMessage(t, conversation.id, users[0].id, { body: 'first' });
        const result = await store().messages.append(input);
        const expected: Message = {
          id: input.id,
          tenantId: t,
          conversationId: conversation.id,
          seq: 1,
          senderId: users[0].id,
          clientMessageId: input.clientMessageId,
          body: 'first',
          replyToId: null,
          mentions: [],
          mentionsAll: false,
          call: null,
          threadRootId: null,
          forwarded: false,
          createdAt: input.createdAt,
          editedAt: null,
          deletedAt: null,
          expiresAt: null,
        };
        expect(result).toEqual({
          message: expected,
          event: { kind: 'MESSAGE_ADDED', seq: 1, messageId: input.id, at: input.createdAt },
          created: true,
        });
        expect(await store().messages.findById(t, input.id)).toEqual(expected);
        expect(await store().conversations.findById(t, conversation.id)).toEqual({
          ...conversation,
          lastSeq: 1,
          lastMessageId: input.id,
          lastActivityAt: input.createdAt,
        });
        expect(await store().conversations.listEvents(t, conversation.id, 0, 10)).toEqual([
          result.event,
        ]);

        const reply = aMessage(t, conversation.id, users[1].id, { replyToId: input.id });
        const second = await store().messages.append(reply);
        expect(second.message).toMatchObject({ seq: 2, replyToId: input.id });
        expect(await store().conversations.findById(t, conversation.id)).toMatchObject({
          lastSeq: 2,
          lastMessageId: reply.id,
          lastActivityAt: reply.createdAt,
        });
      });

      it('shares one sequence with the other log entries of the conversation', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const [extra] = await seedUsers(store(), t, 1);
        await store().messages.append(aMessage(t, conversation.id, users[0].id));
        await store().conversations.addMembers(t, conversation.id, [member(extra)], nextTime());
        const third = await store().messages.append(aMessage(t, conversation.id, extra.id));
        expect(third.message.seq).toBe(3);
        expect(third.event?.seq).toBe(3);
      });

      it('is idempotent on (tenant, sender, clientMessageId)', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const { conversation: elsewhere } = await aChat(store(), t, 1);
        const input = aMessage(t, conversation.id, users[0].id, {
          clientMessageId: 'c-1',
          body: 'original',
        });
        const first = await store().messages.append(input);
        const retry = await store().messages.append({
          ...aMessage(t, elsewhere.id, users[0].id, { clientMessageId: 'c-1', body: 'different' }),
        });
        expect(retry).toEqual({ message: first.message, event: null, created: false });
        expect(await store().conversations.findById(t, conversation.id)).toMatchObject({
          lastSeq: 1,
        });
        expect(await store().conversations.findById(t, elsewhere.id)).toMatchObject({
          lastSeq: 0,
          lastMessageId: null,
        });

        // Another sender may reuse the client id.
        const other = await store().messages.append(
          aMessage(t, conversation.id, users[1].id, { clientMessageId: 'c-1' }),
        );
        expect(other.created).toBe(true);
        expect(other.message.seq).toBe(2);
      });

      it('rejects a message for an unknown conversation with NOT_FOUND', async () => {
        const t = aTenantId();
        const [u] = await seedUsers(store(), t, 1);
        await expectDomainError(store().messages.append(aMessage(t, newId(), u.id)), 'NOT_FOUND');
      });

      it('gives 200 concurrent appends the seqs 1..200 exactly', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 4);
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            store().messages.append(
              aMessage(t, conversation.id, users[i % 4].id, { body: `m${i}` }),
            ),
          ),
        );
        expect(results.every((r) => r.created)).toBe(true);
        expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(
          Array.from({ length: 200 }, (_, i) => i + 1),
        );
        expect(results.every((r) => r.event?.seq === r.message.seq)).toBe(true);
        expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(200);
        const events = await store().conversations.listEvents(t, conversation.id, 0, 1000);
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      });

      it('creates one message from 20 concurrent appends with the same key', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 1);
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store().messages.append(
              aMessage(t, conversation.id, users[0].id, { clientMessageId: 'same' }),
            ),
          ),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(results.filter((r) => !r.created && r.event === null)).toHaveLength(19);
        expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
        expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(1);
      });
    });

    describe('reads', () => {
      it('finds several messages by id, skipping unknown ids', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 1);
        const m1 = (await store().messages.append(aMessage(t, conversation.id, users[0].id)))
          .message;
        const m2 = (await store().messages.append(aMessage(t, conversation.id, users[0].id)))
          .message;
        const found = await store().messages.findByIds(t, [m2.id, newId(), m1.id]);
        expect(found.map((m) => m.id).sort()).toEqual([m1.id, m2.id].sort());
        expect(found.find((m) => m.id === m2.id)).toEqual(m2);
        expect(await store().messages.findByIds(t, [])).toEqual([]);
        expect(await store().messages.findById(t, newId())).toBeNull();
      });

      it('lists messages by seq range in either direction', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const { conversation: other } = await aChat(store(), t, 1);
        const [extra] = await seedUsers(store(), t, 1);
        for (let i = 1; i <= 4; i++)
          await store().messages.append(aMessage(t, conversation.id, users[0].id));
        await store().conversations.addMembers(t, conversation.id, [member(extra)], nextTime()); // seq 5: no message
        for (let i = 6; i <= 10; i++)
          await store().messages.append(aMessage(t, conversation.id, users[1].id));
        await store().messages.append(aMessage(t, other.id, users[0].id));

        const seqs = (ms: Message[]) => ms.map((m) => m.seq);
        const list = (range: SeqRange) => store().messages.listBySeq(t, conversation.id, range);
        expect(seqs(await list({ limit: 100, direction: 'forward' }))).toEqual([
          1, 2, 3, 4, 6, 7, 8, 9, 10,
        ]);
        expect(seqs(await list({ limit: 3, direction: 'forward' }))).toEqual([1, 2, 3]);
        expect(seqs(await list({ limit: 3, direction: 'backward' }))).toEqual([10, 9, 8]);
        expect(seqs(await list({ afterSeq: 3, limit: 3, direction: 'forward' }))).toEqual([
          4, 6, 7,
        ]);
        expect(seqs(await list({ beforeSeq: 7, limit: 3, direction: 'backward' }))).toEqual([
          6, 4, 3,
        ]);
        expect(
          seqs(await list({ afterSeq: 2, beforeSeq: 8, limit: 10, direction: 'backward' })),
        ).toEqual([7, 6, 4, 3]);
        expect(
          seqs(await list({ afterSeq: 2, beforeSeq: 8, limit: 2, direction: 'forward' })),
        ).toEqual([3, 4]);
        expect(await list({ afterSeq: 10, limit: 10, direction: 'forward' })).toEqual([]);
        const [first] = await list({ limit: 1, direction: 'forward' });
        expect(first).toEqual(await store().messages.findById(t, first.id));
      });

      it('counts unread messages, excluding the user’s own and deleted ones', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const [me, you] = users;
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const sender = i % 3 === 0 ? me : you; // seqs 1 and 4 are mine
          ids.push(
            (await store().messages.append(aMessage(t, conversation.id, sender.id))).message.id,
          );
        }
        expect(await store().messages.countUnread(t, conversation.id, me.id, 0)).toBe(4);
        expect(await store().messages.countUnread(t, conversation.id, me.id, 3)).toBe(2);
        expect(await store().messages.countUnread(t, conversation.id, you.id, 0)).toBe(2);
        await store().messages.tombstone(t, ids[5], nextTime());
        expect(await store().messages.countUnread(t, conversation.id, me.id, 3)).toBe(1);
        expect(await store().messages.countUnread(t, conversation.id, me.id, 6)).toBe(0);
      });
    });

    describe('changes', () => {
      it('edits a message with a MESSAGE_UPDATED entry', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 1);
        const { message } = await store().messages.append(
          aMessage(t, conversation.id, users[0].id, { body: 'teh' }),
        );
        const at = nextTime();
        const edited = await store().messages.edit(t, message.id, 'the', NO_MENTIONS, at);
        const expected = { ...message, body: 'the', editedAt: at };
        expect(edited).toEqual({
          message: expected,
          event: { kind: 'MESSAGE_UPDATED', seq: 2, messageId: message.id, at },
          addedMentions: NO_MENTIONS,
        });
        expect(await store().messages.findById(t, message.id)).toEqual(expected);
        expect(await store().conversations.findById(t, conversation.id)).toMatchObject({
          lastSeq: 2,
        });
        expect(await store().messages.edit(t, newId(), 'x', NO_MENTIONS, nextTime())).toBeNull();
      });

      it("lists a sender's live messages across conversations, batch by batch", async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const other = {
          conversation: await store().conversations.create(aConversation(t), [member(users[0]!)]),
        };
        const sent: string[] = [];
        for (const body of ['one', 'two', 'three'])
          sent.push(
            (await store().messages.append(aMessage(t, conversation.id, users[0].id, { body })))
              .message.id,
          );
        const elsewhere = await store().messages.append(
          aMessage(t, other.conversation.id, users[0].id, { body: 'far' }),
        );
        // Another user of the same store, whose id the spammer's filter must not catch.
        await store().messages.append(aMessage(t, conversation.id, users[1].id, { body: 'reply' }));
        await store().messages.tombstone(t, sent[1]!, nextTime());
        const live = [sent[0]!, sent[2]!, elsewhere.message.id].sort();
        expect((await store().messages.listLiveIdsBySender(t, users[0].id, 10)).sort()).toEqual(
          live,
        );
        const firstTwo = await store().messages.listLiveIdsBySender(t, users[0].id, 2);
        expect(firstTwo).toHaveLength(2);
        expect(live).toEqual(expect.arrayContaining(firstTwo));
        expect(await store().messages.listLiveIdsBySender(aTenantId(), users[0].id, 10)).toEqual(
          [],
        );
        expect(await store().messages.listLiveIdsBySender(t, users[0].id, 0)).toEqual([]);
      });

      it('tombstones a message: no body, no reactions, a MESSAGE_UPDATED entry, once', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const { message } = await store().messages.append(
          aMessage(t, conversation.id, users[0].id, { body: 'oops' }),
        );
        await store().messages.addReaction(t, message.id, users[1].id, '👍', nextTime());
        const at = nextTime();
        const deleted = await store().messages.tombstone(t, message.id, at);
        const expected = { ...message, body: null, deletedAt: at };
        expect(deleted).toEqual({
          message: expected,
          event: { kind: 'MESSAGE_UPDATED', seq: 3, messageId: message.id, at },
        });
        expect(await store().messages.findById(t, message.id)).toEqual(expected);
        expect(await store().messages.reactions(t, [message.id], users[1].id)).toEqual([]);
        expect(await store().messages.tombstone(t, message.id, nextTime())).toBeNull();
        expect(
          await store().messages.edit(t, message.id, 'revived', NO_MENTIONS, nextTime()),
        ).toBeNull();
        expect(
          await store().messages.addReaction(t, message.id, users[1].id, '👍', nextTime()),
        ).toBeNull();
        expect(await store().messages.tombstone(t, newId(), nextTime())).toBeNull();
        expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(3);
      });

      it('adds and removes reactions, each change with a MESSAGE_UPDATED entry', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const [me, you] = users;
        const { message } = await store().messages.append(aMessage(t, conversation.id, me.id));
        const at = nextTime();
        const added = await store().messages.addReaction(t, message.id, you.id, '🔥', at);
        expect(added).toEqual({
          message,
          event: { kind: 'MESSAGE_UPDATED', seq: 2, messageId: message.id, at },
        });
        expect(
          await store().messages.addReaction(t, message.id, you.id, '🔥', nextTime()),
        ).toBeNull();
        expect(
          (await store().messages.addReaction(t, message.id, me.id, '🔥', nextTime()))?.event.seq,
        ).toBe(3);
        expect(
          (await store().messages.addReaction(t, message.id, you.id, '👍', nextTime()))?.event.seq,
        ).toBe(4);
        expect(await store().messages.reactions(t, [message.id], you.id)).toEqual([
          { messageId: message.id, emoji: '🔥', count: 2, mine: true },
          { messageId: message.id, emoji: '👍', count: 1, mine: true },
        ]);
        expect(await store().messages.reactions(t, [message.id], me.id)).toEqual([
          { messageId: message.id, emoji: '🔥', count: 2, mine: true },
          { messageId: message.id, emoji: '👍', count: 1, mine: false },
        ]);

        const removedAt = nextTime();
        expect(
          await store().messages.removeReaction(t, message.id, you.id, '🔥', removedAt),
        ).toEqual({
          message,
          event: { kind: 'MESSAGE_UPDATED', seq: 5, messageId: message.id, at: removedAt },
        });
        expect(
          await store().messages.removeReaction(t, message.id, you.id, '🔥', nextTime()),
        ).toBeNull();
        expect(
          await store().messages.removeReaction(t, newId(), you.id, '🔥', nextTime()),
        ).toBeNull();
        expect(await store().messages.addReaction(t, newId(), you.id, '🔥', nextTime())).toBeNull();
        expect(await store().messages.reactions(t, [message.id], you.id)).toEqual([
          { messageId: message.id, emoji: '🔥', count: 1, mine: false },
          { messageId: message.id, emoji: '👍', count: 1, mine: true },
        ]);
        expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(5);
      });

      it('summarises reactions per message with emoji in order of first use', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 3);
        const [a, b, c] = users;
        const m1 = (await store().messages.append(aMessage(t, conversation.id, a.id))).message;
        const m2 = (await store().messages.append(aMessage(t, conversation.id, a.id))).message;
        const m3 = (await store().messages.append(aMessage(t, conversation.id, a.id))).message;
        await store().messages.addReaction(t, m2.id, a.id, '😂', nextTime());
        await store().messages.addReaction(t, m1.id, b.id, '❤️', nextTime());
        await store().messages.addReaction(t, m1.id, a.id, '👍', nextTime());
        await store().messages.addReaction(t, m1.id, b.id, '👍', nextTime());
        await store().messages.addReaction(t, m1.id, c.id, '👍', nextTime());
        await store().messages.addReaction(t, m2.id, b.id, '🎉', nextTime());

        const summary = await store().messages.reactions(t, [m1.id, m2.id, m3.id], c.id);
        const byMessage = (id: string) => summary.filter((s) => s.messageId === id);
        expect(byMessage(m1.id)).toEqual([
          { messageId: m1.id, emoji: '❤️', count: 1, mine: false },
          { messageId: m1.id, emoji: '👍', count: 3, mine: true },
        ]);
        expect(byMessage(m2.id)).toEqual([
          { messageId: m2.id, emoji: '😂', count: 1, mine: false },
          { messageId: m2.id, emoji: '🎉', count: 1, mine: false },
        ]);
        expect(byMessage(m3.id)).toEqual([]);
        // Grouped: each message's summaries are contiguous.
        const order = summary.map((s) => s.messageId).filter((id, i, all) => all.indexOf(id) === i);
        expect(summary.map((s) => s.messageId)).toEqual(
          order.flatMap((id) => byMessage(id).map(() => id)),
        );
        expect(await store().messages.reactions(t, [], a.id)).toEqual([]);
      });

      it('keeps one reaction under concurrent identical adds', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 1);
        const { message } = await store().messages.append(
          aMessage(t, conversation.id, users[0].id),
        );
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store().messages.addReaction(t, message.id, users[0].id, '👍', nextTime()),
          ),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(await store().messages.reactions(t, [message.id], users[0].id)).toEqual([
          { messageId: message.id, emoji: '👍', count: 1, mine: true },
        ]);
        expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(2);
      });
    });

    describe('search', () => {
      it("finds a message by its attachment's file name, for members only", async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const [ada, ben] = users;
        const outsider = (await seedUsers(store(), t, 1))[0]!;
        const send = async (name: string, body: string) => {
          const a = await store().attachments.create(
            anAttachment(t, conversation.id, ada.id, { name }),
          );
          await store().attachments.markReady(t, a.id, {
            byteSize: 10,
            contentType: 'application/pdf',
            kind: 'FILE',
          });
          const claimKey = newId();
          const owner = { uploaderId: ada.id, conversationId: conversation.id, claimKey };
          expect(await store().attachments.claim(t, [a.id], owner)).toBe(true);
          const { message } = await store().messages.append(
            aMessage(t, conversation.id, ada.id, { body }),
          );
          await store().attachments.bind(t, [a.id], claimKey, message.id);
          return message;
        };
        const report = await send('Quarterly-Report_2026.PDF', 'see attached');
        const both = await send('lunch menu.txt', 'lunch menu for friday');
        const ids = async (who: string, q: string) =>
          (await store().messages.search(t, who, q, null, 0, 10)).map((h) => h.message.id);
        expect(await ids(ben.id, 'quarterly')).toEqual([report.id]);
        expect(await ids(ben.id, 'report pdf')).toEqual([report.id]);
        expect(await ids(ben.id, 'report')).toEqual([report.id]);
        // Found by body and by name: listed once.
        expect(await ids(ben.id, 'lunch menu')).toEqual([both.id]);
        expect(await ids(ben.id, 'quarterly lunch')).toEqual([]);
        expect(await ids(outsider.id, 'quarterly')).toEqual([]);
        expect(
          await store().messages.search(aTenantId(), ben.id, 'quarterly', null, 0, 10),
        ).toEqual([]);
        // An attachment not sent (no message) is not found.
        await store().attachments.create(
          anAttachment(t, conversation.id, ada.id, { name: 'secret-plan.pdf' }),
        );
        expect(await ids(ada.id, 'secret')).toEqual([]);
      });

      it('finds words in non-deleted messages of the user’s conversations only', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const [me, you] = users;
        const { conversation: notMine, users: strangers } = await aChat(store(), t, 1);
        const { conversation: other } = await aChat(store(), t, 0);
        await store().conversations.addMembers(t, other.id, [member(me)], nextTime());
        const hit = await store().messages.append(
          aMessage(t, conversation.id, you.id, { body: 'Lunch at the harbour?' }),
        );
        const elsewhere = await store().messages.append(
          aMessage(t, other.id, me.id, { body: 'harbour lunch tomorrow' }),
        );
        await store().messages.append(
          aMessage(t, conversation.id, you.id, { body: 'nothing relevant here' }),
        );
        await store().messages.append(
          aMessage(t, notMine.id, strangers[0].id, { body: 'secret harbour lunch' }),
        );
        const gone = await store().messages.append(
          aMessage(t, conversation.id, me.id, { body: 'harbour lunch, deleted' }),
        );
        await store().messages.tombstone(t, gone.message.id, nextTime());

        const found = await store().messages.search(t, me.id, 'harbour lunch', null, 0, 10);
        expect(found.map((h) => h.message.id).sort()).toEqual(
          [hit.message.id, elsewhere.message.id].sort(),
        );
        expect(found.find((h) => h.message.id === hit.message.id)?.message).toEqual(hit.message);
        expect(found.every((h) => typeof h.rank === 'number' && Number.isFinite(h.rank))).toBe(
          true,
        );
        expect(
          (await store().messages.search(t, me.id, 'HARBOUR', conversation.id, 0, 10)).map(
            (h) => h.message.id,
          ),
        ).toEqual([hit.message.id]);
        expect(await store().messages.search(t, me.id, 'zebra', null, 0, 10)).toEqual([]);
        expect(await store().messages.search(t, you.id, 'harbour', other.id, 0, 10)).toEqual([]);
      });

      it('is tenant-scoped: another tenant’s messages change neither the hits nor their order', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 2);
        const [me, you] = users;
        for (const body of [
          'good morning',
          'see you at noon',
          'on my way',
          'running late',
          'ok',
          'thanks',
        ]) {
          await store().messages.append(aMessage(t, conversation.id, you.id, { body }));
        }
        const apples = await store().messages.append(
          aMessage(t, conversation.id, you.id, { body: 'apple apple pear' }),
        );
        const pears = await store().messages.append(
          aMessage(t, conversation.id, you.id, { body: 'pear pear apple' }),
        );
        const order = async () =>
          (await store().messages.search(t, me.id, 'apple pear', null, 0, 10)).map(
            (h) => h.message.id,
          );
        const before = await order();
        expect([...before].sort()).toEqual([apples.message.id, pears.message.id].sort());

        // Another tenant with the same words, and many more of one of them.
        const other = aTenantId();
        const theirs = await aChat(store(), other, 1);
        for (let i = 0; i < 12; i++) {
          await store().messages.append(
            aMessage(other, theirs.conversation.id, theirs.users[0]!.id, {
              body: `pear pear ${i}`,
            }),
          );
        }
        expect(await order()).toEqual(before);
        expect(
          (await store().messages.search(other, theirs.users[0]!.id, 'pear', null, 0, 50)).every(
            (h) => h.message.tenantId === other,
          ),
        ).toBe(true);
        expect(
          (await store().messages.search(other, theirs.users[0]!.id, 'pear', null, 0, 50)).length,
        ).toBe(12);
        expect(await store().messages.search(t, me.id, '0', null, 0, 10)).toEqual([]);
      });

      it('finds nothing from before the member’s history start (SINCE_JOINED)', async () => {
        const t = aTenantId();
        const [owner, late] = await seedUsers(store(), t, 2);
        const group = await store().conversations.create(
          aConversation(t, { historyVisibility: 'SINCE_JOINED' }),
          [{ userId: owner.id, role: 'OWNER' }],
        );
        await store().messages.append(
          aMessage(t, group.id, owner.id, { body: 'harbour plans, before' }),
        );
        await store().conversations.addMembers(t, group.id, [member(late)], nextTime());
        const after = await store().messages.append(
          aMessage(t, group.id, owner.id, { body: 'harbour plans, after' }),
        );
        for (const scope of [null, group.id]) {
          const found = await store().messages.search(t, late.id, 'harbour', scope, 0, 10);
          expect(found.map((h) => h.message.id)).toEqual([after.message.id]);
        }
        expect(await store().messages.search(t, owner.id, 'harbour', group.id, 0, 10)).toHaveLength(
          2,
        );
      });

      it('searches the current body: edits are found by their new words only', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 1);
        const { message } = await store().messages.append(
          aMessage(t, conversation.id, users[0].id, { body: 'walrus' }),
        );
        await store().messages.edit(t, message.id, 'penguin', NO_MENTIONS, nextTime());
        expect(await store().messages.search(t, users[0].id, 'walrus', null, 0, 10)).toEqual([]);
        const [found] = await store().messages.search(t, users[0].id, 'penguin', null, 0, 10);
        expect(found.message).toMatchObject({ id: message.id, body: 'penguin' });
      });

      it('orders best match first, then newest, and pages by offset', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 1);
        const send = async (body: string) =>
          (await store().messages.append(aMessage(t, conversation.id, users[0].id, { body })))
            .message.id;
        const best = await send('rocket rocket rocket');
        const olderTie = await send('rocket launch went well yesterday afternoon');
        const newerTie = await send('rocket launch went well yesterday afternoon');
        const found = await store().messages.search(t, users[0].id, 'rocket', null, 0, 10);
        expect(found.map((h) => h.message.id)).toEqual([best, newerTie, olderTie]);
        expect(
          (await store().messages.search(t, users[0].id, 'rocket', null, 1, 1)).map(
            (h) => h.message.id,
          ),
        ).toEqual([newerTie]);
        expect(await store().messages.search(t, users[0].id, 'rocket', null, 3, 10)).toEqual([]);
      });

      it('treats query syntax characters as plain text and never throws', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 1);
        const { message } = await store().messages.append(
          aMessage(t, conversation.id, users[0].id, {
            body: 'hello world, near the body of water',
          }),
        );
        const queries = [
          '"hello',
          'hello"',
          '"hello world"',
          'hello*',
          '*',
          'body:hello',
          'hello NEAR world',
          'NEAR(hello world)',
          '(hello',
          'hello)',
          'hello AND',
          'OR',
          'NOT hello',
          '-hello',
          '^hello',
          '{body}: hello',
          "hello' OR 1=1 --",
          '$where',
          '\\',
          '',
          '   ',
          '"',
          '+',
        ];
        for (const q of queries) {
          const hits = await store().messages.search(t, users[0].id, q, null, 0, 10);
          expect(Array.isArray(hits), q).toBe(true);
        }
        for (const q of ['"hello', 'hello)', '(hello', 'hello*', 'body:hello', '^hello']) {
          const hits = await store().messages.search(t, users[0].id, q, null, 0, 10);
          expect(
            hits.map((h) => h.message.id),
            q,
          ).toEqual([message.id]);
        }
      });
    });

    describe('mentions', () => {
      it('stores mentions with the message and counts unread mentions per member', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 3);
        const [ada, bob, cy] = users;
        const c = conversation.id;
        const ms = store().messages;
        const toBob = await ms.append(
          aMessage(t, c, ada.id, {
            body: `hi <@${bob.id}>`,
            mentions: { userIds: [bob.id], all: false },
          }),
        );
        expect(toBob.message).toMatchObject({ mentions: [bob.id], mentionsAll: false });
        expect(await ms.findById(t, toBob.message.id)).toMatchObject({ mentions: [bob.id] });
        await ms.append(aMessage(t, c, ada.id, { body: 'no mention' }));
        const everyone = await ms.append(
          aMessage(t, c, cy.id, { body: '@all', mentions: { userIds: [], all: true } }),
        );
        expect(everyone.message.mentionsAll).toBe(true);
        // Bob: his mention and @all; Cy: nothing (his own @all does not count); Ada: @all.
        expect(await ms.countUnreadMentions(t, c, bob.id, 0)).toBe(2);
        expect(await ms.countUnreadMentions(t, c, cy.id, 0)).toBe(0);
        expect(await ms.countUnreadMentions(t, c, ada.id, 0)).toBe(1);
        // Read up to the first message: only @all remains; deleted messages do not count.
        expect(await ms.countUnreadMentions(t, c, bob.id, toBob.message.seq)).toBe(1);
        await ms.tombstone(t, everyone.message.id, nextTime());
        expect(await ms.countUnreadMentions(t, c, bob.id, toBob.message.seq)).toBe(0);
        expect(await ms.countUnreadMentions(aTenantId(), c, bob.id, 0)).toBe(0);
      });

      it('an edit reports only mentions no earlier version had', async () => {
        const t = aTenantId();
        const { conversation, users } = await aChat(store(), t, 3);
        const [ada, bob, cy] = users;
        const ms = store().messages;
        const { message } = await ms.append(
          aMessage(t, conversation.id, ada.id, { mentions: { userIds: [bob.id], all: false } }),
        );
        const both = await ms.edit(
          t,
          message.id,
          'b+c',
          { userIds: [bob.id, cy.id], all: false },
          nextTime(),
        );
        expect(both?.addedMentions).toEqual({ userIds: [cy.id], all: false });
        expect(both?.message).toMatchObject({ mentions: [bob.id, cy.id], mentionsAll: false });
        const none = await ms.edit(t, message.id, 'none', NO_MENTIONS, nextTime());
        expect(none?.addedMentions).toEqual(NO_MENTIONS);
        expect(none?.message.mentions).toEqual([]);
        expect(await ms.countUnreadMentions(t, conversation.id, bob.id, 0)).toBe(0);
        // Removed and added again: Bob and Cy were notified already; @all is new.
        const back = await ms.edit(
          t,
          message.id,
          'again',
          { userIds: [cy.id, bob.id], all: true },
          nextTime(),
        );
        expect(back?.addedMentions).toEqual({ userIds: [], all: true });
        const again = await ms.edit(
          t,
          message.id,
          'again!',
          { userIds: [], all: true },
          nextTime(),
        );
        expect(again?.addedMentions).toEqual(NO_MENTIONS);
        expect(await ms.findById(t, message.id)).toMatchObject({ mentions: [], mentionsAll: true });
      });
    });

    it('never reads or changes another tenant’s messages, even with their ids', async () => {
      const a = aTenantId();
      const b = aTenantId();
      const { conversation, users } = await aChat(store(), a, 2);
      const [me, you] = users;
      const input = aMessage(a, conversation.id, me.id, {
        body: 'tenant secret',
        clientMessageId: 'k1',
      });
      const { message } = await store().messages.append(input);
      await store().messages.addReaction(a, message.id, you.id, '👍', nextTime());
      const snapshot = async () => ({
        message: await store().messages.findById(a, message.id),
        reactions: await store().messages.reactions(a, [message.id], you.id),
        conversation: await store().conversations.findById(a, conversation.id),
      });
      const before = await snapshot();

      const ms = store().messages;
      expect(await ms.findById(b, message.id)).toBeNull();
      expect(await ms.findByIds(b, [message.id])).toEqual([]);
      expect(await ms.listBySeq(b, conversation.id, { limit: 10, direction: 'forward' })).toEqual(
        [],
      );
      expect(await ms.edit(b, message.id, 'hijacked', NO_MENTIONS, nextTime())).toBeNull();
      expect(await ms.tombstone(b, message.id, nextTime())).toBeNull();
      expect(await ms.addReaction(b, message.id, me.id, '🔥', nextTime())).toBeNull();
      expect(await ms.removeReaction(b, message.id, you.id, '👍', nextTime())).toBeNull();
      expect(await ms.reactions(b, [message.id], you.id)).toEqual([]);
      expect(await ms.countUnread(b, conversation.id, you.id, 0)).toBe(0);
      expect(await ms.search(b, you.id, 'secret', null, 0, 10)).toEqual([]);
      expect(await ms.search(b, you.id, 'secret', conversation.id, 0, 10)).toEqual([]);
      await expectDomainError(ms.append({ ...input, id: newId(), tenantId: b }), 'NOT_FOUND');

      expect(await snapshot()).toEqual(before);
    });
  });
}
