import { NewMember, User } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, aTenantId } from '../builders';
import { MakeStore, StoreUnderTest, seedUsers, useStore } from './store-under-test';

const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });
const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 8, 0, s));

async function aChat(s: StoreUnderTest, t: string, n: number) {
  const users = await seedUsers(s, t, n);
  const conversation = await s.conversations.create(aConversation(t), users.map(member));
  return { conversation, users };
}

/** Contract of threads (MessageRepository's thread parts, ThreadFollowRepository) and stars. */
export function threadAndStarContract(makeStore: MakeStore): void {
  describe('threads and stars', () => {
    const store = useStore(makeStore);

    it('keeps thread replies out of the timeline and summarises them on the root', async () => {
      const t = aTenantId();
      const { conversation: c, users } = await aChat(store(), t, 3);
      const [ann, ben, cid] = users;
      const m = store().messages;
      const root = (await m.append(aMessage(t, c.id, ann.id, { body: 'root' }))).message;
      const r1 = await m.append({
        ...aMessage(t, c.id, ben.id, { body: 'one' }),
        threadRootId: root.id,
      });
      expect(r1.message).toMatchObject({ threadRootId: root.id, forwarded: false, seq: 2 });
      const r2 = (
        await m.append({ ...aMessage(t, c.id, cid.id, { body: 'two' }), threadRootId: root.id })
      ).message;
      await m.append({ ...aMessage(t, c.id, ben.id, { body: 'three' }), threadRootId: root.id });
      const after = (await m.append(aMessage(t, c.id, ben.id, { body: 'after' }))).message;
      // The conversation's last message stays a timeline one until a timeline message comes.
      expect((await store().conversations.findById(t, c.id))?.lastMessageId).toBe(after.id);

      const timeline = await m.listBySeq(t, c.id, {
        limit: 10,
        direction: 'forward',
        threadRootId: null,
      });
      expect(timeline.map((x) => x.body)).toEqual(['root', 'after']);
      const replies = await m.listBySeq(t, c.id, {
        limit: 2,
        direction: 'backward',
        threadRootId: root.id,
      });
      expect(replies.map((x) => x.body)).toEqual(['three', 'two']);
      expect(await m.listBySeq(t, c.id, { limit: 10, direction: 'forward' })).toHaveLength(5);

      const [summary, none] = await m.threadSummaries(t, [root.id, after.id]);
      expect(summary).toMatchObject({
        rootId: root.id,
        replyCount: 3,
        lastReplySeq: 4,
        participantIds: [ben.id, cid.id],
      });
      expect(summary.lastReplyAt).toBeInstanceOf(Date);
      expect(none).toEqual({
        rootId: after.id,
        replyCount: 0,
        lastReplyAt: null,
        lastReplySeq: 0,
        participantIds: [],
      });

      // Unread: replies count in their thread only, never in the conversation.
      expect(await m.countThreadUnread(t, root.id, ann.id, 0)).toBe(3);
      expect(await m.countThreadUnread(t, root.id, ben.id, 2)).toBe(1);
      expect(await m.countUnread(t, c.id, ann.id, 0)).toBe(1);

      // A deleted reply no longer counts; touching the root logs a MESSAGE_UPDATED of it.
      await m.tombstone(t, r2.id, at(5));
      const touched = await m.touchThread(t, root.id, at(6));
      expect(touched?.event).toMatchObject({ kind: 'MESSAGE_UPDATED', messageId: root.id });
      expect(touched?.message.id).toBe(root.id);
      const events = await store().conversations.listEvents(t, c.id, 0, 20);
      expect(events[events.length - 1]).toEqual(touched?.event);
      expect((await m.threadSummaries(t, [root.id]))[0]).toMatchObject({
        replyCount: 2,
        participantIds: [ben.id],
      });
      expect(await m.touchThread(t, 'missing-root-id-000000', at(7))).toBeNull();
    });

    it('stores a forwarded copy', async () => {
      const t = aTenantId();
      const { conversation: c, users } = await aChat(store(), t, 2);
      const copy = await store().messages.append({
        ...aMessage(t, c.id, users[0].id, { body: 'fwd' }),
        forwarded: true,
      });
      expect(copy.message.forwarded).toBe(true);
      expect((await store().messages.findById(t, copy.message.id))?.forwarded).toBe(true);
    });

    it('follows, unfollows, reads and lists threads per user', async () => {
      const t = aTenantId();
      const f = store().threadFollows;
      const first = await f.follow(t, 'u1', 'c1', 'r1', at(1));
      expect(first).toEqual({
        tenantId: t,
        userId: 'u1',
        rootId: 'r1',
        conversationId: 'c1',
        following: true,
        readSeq: 0,
        followedAt: at(1),
      });
      // Following again keeps the start, raises the read pointer, never lowers it.
      expect(await f.follow(t, 'u1', 'c1', 'r1', at(2), 7)).toMatchObject({
        readSeq: 7,
        followedAt: at(1),
      });
      expect(await f.follow(t, 'u1', 'c1', 'r1', at(3), 3)).toMatchObject({ readSeq: 7 });
      expect(await f.markRead(t, 'u1', 'c1', 'r1', 5, at(3))).toMatchObject({ readSeq: 7 });
      expect(await f.markRead(t, 'u1', 'c1', 'r1', 9, at(3))).toMatchObject({ readSeq: 9 });
      // Read state without following.
      expect(await f.markRead(t, 'u1', 'c1', 'r9', 4, at(3))).toMatchObject({
        following: false,
        readSeq: 4,
      });
      await f.follow(t, 'u1', 'c1', 'r2', at(4));
      await f.follow(t, 'u1', 'c1', 'r3', at(5));
      await f.follow(t, 'u2', 'c1', 'r1', at(6));
      expect((await f.listFollowed(t, 'u1', null, 10)).map((x) => x.rootId)).toEqual([
        'r3',
        'r2',
        'r1',
      ]);
      const page = await f.listFollowed(t, 'u1', null, 1);
      expect(
        (await f.listFollowed(t, 'u1', { followedAt: page[0].followedAt, rootId: 'r3' }, 5)).map(
          (x) => x.rootId,
        ),
      ).toEqual(['r2', 'r1']);
      expect(await f.unfollow(t, 'u1', 'r2')).toBe(true);
      expect(await f.unfollow(t, 'u1', 'nothing')).toBe(false);
      expect((await f.listFollowed(t, 'u1', null, 10)).map((x) => x.rootId)).toEqual(['r3', 'r1']);
      // Following again after unfollowing starts anew (listed first).
      expect(await f.follow(t, 'u1', 'c1', 'r2', at(9))).toMatchObject({
        following: true,
        followedAt: at(9),
      });
      const states = await f.findMany(t, 'u1', ['r1', 'r9', 'none']);
      expect(states.map((x) => [x.rootId, x.following]).sort()).toEqual([
        ['r1', true],
        ['r9', false],
      ]);
      expect(await f.findMany(aTenantId(), 'u1', ['r1'])).toEqual([]);
    });

    it('stars and lists messages per user, newest first', async () => {
      const t = aTenantId();
      const s = store().stars;
      const star = (messageId: string, sec: number, userId = 'u1') =>
        s.star({ tenantId: t, userId, messageId, conversationId: 'c1', starredAt: at(sec) });
      expect(await star('m1', 1)).toBe(true);
      expect(await star('m1', 2)).toBe(false);
      await star('m2', 3);
      await star('m3', 3);
      await star('m1', 4, 'u2');
      expect([...(await s.starredAmong(t, 'u1', ['m1', 'm2', 'm4']))].sort()).toEqual(['m1', 'm2']);
      const all = await s.list(t, 'u1', null, 10);
      expect(all.map((x) => x.messageId)).toEqual(['m3', 'm2', 'm1']);
      expect(all[2]).toEqual({
        tenantId: t,
        userId: 'u1',
        messageId: 'm1',
        conversationId: 'c1',
        starredAt: at(1),
      });
      expect(
        (await s.list(t, 'u1', { starredAt: at(3), messageId: 'm3' }, 10)).map((x) => x.messageId),
      ).toEqual(['m2', 'm1']);
      expect(await s.unstar(t, 'u1', 'm2')).toBe(true);
      expect(await s.unstar(t, 'u1', 'm2')).toBe(false);
      expect((await s.list(t, 'u1', null, 10)).map((x) => x.messageId)).toEqual(['m3', 'm1']);
      expect(await s.list(aTenantId(), 'u1', null, 10)).toEqual([]);
    });
  });
}
