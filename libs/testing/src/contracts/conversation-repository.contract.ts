import {
  Conversation,
  Member,
  NewMember,
  Page,
  PageRequest,
  User,
  NO_MENTIONS,
  directKey,
  newId,
} from '@chatter/core';
import { describe, expect, it } from 'vitest';
import {
  aChannel,
  aConversation,
  aDirectConversation,
  aGeneralChannel,
  aMessage,
  aTenantId,
  nextTime,
} from '../builders';
import {
  MakeStore,
  StoreUnderTest,
  expectDomainError,
  seedUsers,
  useStore,
} from './store-under-test';

const EMPTY_PAGE = { items: [], cursors: [], hasNextPage: false };

const owner = (u: User): NewMember => ({ userId: u.id, role: 'OWNER' });
const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });

/** Follows cursors until the end, asserting page shape; returns every item in order. */
async function collectPages<T>(
  fetch: (page: PageRequest) => Promise<Page<T>>,
  first: number,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page: Page<T> = await fetch({ first, after });
    expect(page.items.length).toBeLessThanOrEqual(first);
    expect(page.cursors).toHaveLength(page.items.length);
    items.push(...page.items);
    if (!page.hasNextPage) return items;
    expect(page.items).toHaveLength(first);
    after = page.cursors[page.cursors.length - 1];
  }
  throw new Error('pagination did not end');
}

/** Creates a group of `n` fresh users, the first one OWNER. */
async function aGroupWith(
  s: StoreUnderTest,
  t: string,
  n: number,
  overrides: Partial<Conversation> = {},
) {
  const users = await seedUsers(s, t, n);
  const conversation = await s.conversations.create(
    aConversation(t, { createdBy: users[0].id, ...overrides }),
    users.map((u, i) => (i === 0 ? owner(u) : member(u))),
  );
  return { conversation, users };
}

/** Contract of `ConversationRepository`. */
export function conversationRepositoryContract(makeStore: MakeStore): void {
  describe('ConversationRepository', () => {
    const store = useStore(makeStore);

    describe('create and find', () => {
      it('creates a conversation with its members, seq 0 and no log entries', async () => {
        const t = aTenantId();
        const [a, b] = await seedUsers(store(), t, 2);
        const input = aConversation(t, { createdBy: a.id, memberCount: 99, lastSeq: 0 });
        const created = await store().conversations.create(input, [owner(a), member(b)]);
        const expected: Conversation = { ...input, lastSeq: 0, memberCount: 2 };
        expect(created).toEqual(expected);
        expect(await store().conversations.findById(t, input.id)).toEqual(expected);
        expect(await store().conversations.getMember(t, input.id, a.id)).toEqual({
          tenantId: t,
          conversationId: input.id,
          userId: a.id,
          role: 'OWNER',
          joinedAt: input.createdAt,
          historyFromSeq: 0,
          readSeq: 0,
          deliveredSeq: 0,
          muted: false,
          pinned: false,
          archived: false,
        } satisfies Member);
        expect((await store().conversations.getMember(t, input.id, b.id))?.role).toBe('MEMBER');
        expect(await store().conversations.listEvents(t, input.id, 0, 100)).toEqual([]);
        expect(await store().conversations.findById(t, newId())).toBeNull();
      });

      it('rejects a second conversation with the same uniqueKey with CONFLICT', async () => {
        const t = aTenantId();
        const [a, b] = await seedUsers(store(), t, 2);
        const first = await store().conversations.create(aDirectConversation(t, a.id, b.id), [
          member(a),
          member(b),
        ]);
        await expectDomainError(
          store().conversations.create(aDirectConversation(t, b.id, a.id), [member(a), member(b)]),
          'CONFLICT',
        );
        expect(await store().conversations.findByUniqueKey(t, directKey(a.id, b.id))).toEqual(
          first,
        );
        expect(await store().conversations.findByUniqueKey(t, 'dm:none')).toBeNull();
      });

      it('finds several conversations by id, skipping unknown ids', async () => {
        const t = aTenantId();
        const { conversation: c1 } = await aGroupWith(store(), t, 1);
        const { conversation: c2 } = await aGroupWith(store(), t, 1);
        const found = await store().conversations.findByIds(t, [c2.id, newId(), c1.id]);
        expect(found.map((c) => c.id).sort()).toEqual([c1.id, c2.id].sort());
        expect(found.find((c) => c.id === c1.id)).toEqual(c1);
        expect(await store().conversations.findByIds(t, [])).toEqual([]);
      });

      it('findOrCreateUnique creates once, then returns the existing conversation', async () => {
        const t = aTenantId();
        const [a, b, c] = await seedUsers(store(), t, 3);
        const first = await store().conversations.findOrCreateUnique(
          aDirectConversation(t, a.id, b.id),
          [member(a), member(b)],
        );
        expect(first.created).toBe(true);
        expect(first.conversation.memberCount).toBe(2);
        const second = await store().conversations.findOrCreateUnique(
          aDirectConversation(t, b.id, a.id),
          [member(b), member(a), member(c)],
        );
        expect(second).toEqual({ conversation: first.conversation, created: false });
        expect(await store().conversations.getMember(t, first.conversation.id, c.id)).toBeNull();

        const general = await store().conversations.findOrCreateUnique(aGeneralChannel(t), []);
        expect(general.created).toBe(true);
        expect(general.conversation.memberCount).toBe(0);
        expect(
          (await store().conversations.findOrCreateUnique(aGeneralChannel(t), [])).conversation.id,
        ).toBe(general.conversation.id);
      });

      it('findOrCreateUnique under concurrency yields exactly one conversation', async () => {
        const t = aTenantId();
        const [a, b] = await seedUsers(store(), t, 2);
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store().conversations.findOrCreateUnique(aDirectConversation(t, a.id, b.id), [
              member(a),
              member(b),
            ]),
          ),
        );
        expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const id = results[0].conversation.id;
        expect((await store().conversations.findById(t, id))?.memberCount).toBe(2);
        expect(await store().conversations.listIdsForUser(t, a.id, 100)).toEqual([id]);
      });
    });

    describe('lists', () => {
      it('lists the user’s conversations with membership, most recent activity first, then by id', async () => {
        const t = aTenantId();
        const [me, other] = await seedUsers(store(), t, 2);
        const base = nextTime().getTime();
        const at = (s: number) => new Date(base + s * 1000);
        const mk = async (activity: Date) =>
          store().conversations.create(
            aConversation(t, { lastActivityAt: activity, createdAt: at(0) }),
            [member(me), member(other)],
          );
        const c1 = await mk(at(1));
        const c2 = await mk(at(3));
        const c3 = await mk(at(2));
        const tieA = await mk(at(5));
        const tieB = await mk(at(5));
        await store().conversations.create(aConversation(t), [member(other)]); // not mine
        const [tie1, tie2] = [tieA, tieB].sort((x, y) => (x.id < y.id ? -1 : 1));

        const items = await collectPages((p) => store().conversations.listForUser(t, me.id, p), 2);
        expect(items.map((i) => i.conversation.id)).toEqual([
          tie1.id,
          tie2.id,
          c2.id,
          c3.id,
          c1.id,
        ]);
        expect(items[2].conversation).toEqual(c2);
        expect(items[2].member).toEqual(await store().conversations.getMember(t, c2.id, me.id));

        // A new message moves its conversation to the top.
        const later = at(10);
        await store().messages.append(aMessage(t, c1.id, other.id, { createdAt: later }));
        const top = await store().conversations.listForUser(t, me.id, { first: 1, after: null });
        expect(top.items[0].conversation.id).toBe(c1.id);
        expect(top.items[0].conversation.lastActivityAt).toEqual(later);
        expect(top.hasNextPage).toBe(true);
        expect(
          await store().conversations.listForUser(t, newId(), { first: 10, after: null }),
        ).toEqual(EMPTY_PAGE);
      });

      it('searches public channels by title, case-insensitively, ordered by title then id', async () => {
        const t = aTenantId();
        const [u] = await seedUsers(store(), t, 1);
        const mk = (title: string) => store().conversations.create(aChannel(t, title), [owner(u)]);
        const general = await mk('general');
        const random = await mk('random');
        const gen2 = await mk('genealogy');
        const news = await mk('news');
        const dotted = await mk('v1.2 release');
        const news2 = await mk('news 2'); // names are unique: the nearest is a longer one
        await store().conversations.create(aConversation(t, { title: 'general group' }), [
          owner(u),
        ]); // not a channel

        const all = await collectPages((p) => store().conversations.searchChannels(t, null, p), 2);
        expect(all.map((c) => c.id)).toEqual([
          gen2.id,
          general.id,
          news.id,
          news2.id,
          random.id,
          dotted.id,
        ]);
        expect(all[1]).toEqual(general);

        const gen = await store().conversations.searchChannels(t, 'GEN', {
          first: 10,
          after: null,
        });
        expect(gen.items.map((c) => c.id)).toEqual([gen2.id, general.id]);
        expect(gen.hasNextPage).toBe(false);
        expect(
          (await store().conversations.searchChannels(t, 'andO', { first: 10, after: null })).items,
        ).toEqual([random]);
        // Query text is literal: no pattern syntax.
        expect(
          (await store().conversations.searchChannels(t, '.', { first: 10, after: null })).items,
        ).toEqual([dotted]);
        for (const q of ['.*', '%', '_', '[', '(', '\\', '^g', 'l$']) {
          expect(
            (await store().conversations.searchChannels(t, q, { first: 10, after: null })).items,
          ).toEqual([]);
        }
      });

      it('lists the user’s conversation ids and peers', async () => {
        const t = aTenantId();
        const [me, dmPeer, groupPeer, channelPeer, stranger] = await seedUsers(store(), t, 5);
        const dm = await store().conversations.create(aDirectConversation(t, me.id, dmPeer.id), [
          member(me),
          member(dmPeer),
        ]);
        const group = await store().conversations.create(aConversation(t), [
          owner(me),
          member(groupPeer),
          member(dmPeer),
        ]);
        const channel = await store().conversations.create(aChannel(t, 'lobby'), [
          owner(me),
          member(channelPeer),
        ]);
        await store().conversations.create(aConversation(t), [owner(stranger), member(dmPeer)]);

        expect((await store().conversations.listIdsForUser(t, me.id, 100)).sort()).toEqual(
          [dm.id, group.id, channel.id].sort(),
        );
        expect(await store().conversations.listIdsForUser(t, me.id, 2)).toHaveLength(2);
        expect((await store().conversations.listPeerIds(t, me.id, 100)).sort()).toEqual(
          [dmPeer.id, groupPeer.id].sort(),
        );
        const one = await store().conversations.listPeerIds(t, me.id, 1);
        expect(one).toHaveLength(1);
        expect([dmPeer.id, groupPeer.id]).toContain(one[0]);
        expect(await store().conversations.listPeerIds(t, newId(), 100)).toEqual([]);
      });

      it('keeps the most recently active conversation ids when the user has more than the limit', async () => {
        const t = aTenantId();
        const [me] = await seedUsers(store(), t, 1);
        const base = nextTime().getTime();
        const mk = async (s: number) =>
          store().conversations.create(
            aConversation(t, { lastActivityAt: new Date(base + s * 1000) }),
            [member(me)],
          );
        const old = await mk(1);
        const newest = await mk(3);
        const middle = await mk(2);

        expect((await store().conversations.listIdsForUser(t, me.id, 2)).sort()).toEqual(
          [newest.id, middle.id].sort(),
        );
        expect((await store().conversations.listIdsForUser(t, me.id, 3)).sort()).toEqual(
          [old.id, newest.id, middle.id].sort(),
        );
        expect(await store().conversations.listIdsForUser(t, me.id, 1)).toEqual([newest.id]);
        expect(await store().conversations.listIdsForUser(t, me.id, 0)).toEqual([]);
      });
    });

    describe('members', () => {
      it('lists members by join time, then user id, across pages', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 3);
        const [late1, late2] = await seedUsers(store(), t, 2);
        await store().conversations.addMembers(t, conversation.id, [member(late2)], nextTime());
        await store().conversations.addMembers(t, conversation.id, [member(late1)], nextTime());

        const members = await collectPages(
          (p) => store().conversations.listMembers(t, conversation.id, p),
          2,
        );
        const initial = users.map((u) => u.id).sort();
        expect(members.map((m) => m.userId)).toEqual([...initial, late2.id, late1.id]);
        expect(members[0]).toEqual(
          await store().conversations.getMember(t, conversation.id, initial[0]),
        );
        expect(
          await store().conversations.listMembers(t, newId(), { first: 10, after: null }),
        ).toEqual(EMPTY_PAGE);
      });

      it('counts members with a role', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 4);
        await store().conversations.setRole(t, conversation.id, users[1].id, 'OWNER', nextTime());
        await store().conversations.setRole(t, conversation.id, users[2].id, 'ADMIN', nextTime());
        await store().conversations.setRole(
          t,
          conversation.id,
          users[3].id,
          'MODERATOR',
          nextTime(),
        );
        expect(await store().conversations.countMembersWithRole(t, conversation.id, 'OWNER')).toBe(
          2,
        );
        expect(await store().conversations.countMembersWithRole(t, conversation.id, 'ADMIN')).toBe(
          1,
        );
        expect(
          await store().conversations.countMembersWithRole(t, conversation.id, 'MODERATOR'),
        ).toBe(1);
        expect((await store().conversations.getMember(t, conversation.id, users[3].id))?.role).toBe(
          'MODERATOR',
        );
        expect(
          (await store().conversations.listEvents(t, conversation.id, 0, 10)).at(-1),
        ).toMatchObject({ change: 'ROLE_CHANGED', role: 'MODERATOR', userId: users[3].id });
        expect(await store().conversations.countMembersWithRole(t, conversation.id, 'MEMBER')).toBe(
          0,
        );
      });

      it('adds only new members, each with its own ADDED entry, and maintains memberCount', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 2);
        const [n1, n2] = await seedUsers(store(), t, 2);
        const at = nextTime();
        const added = await store().conversations.addMembers(
          t,
          conversation.id,
          [member(users[1]), member(n1), { userId: n2.id, role: 'ADMIN' }, member(n1)],
          at,
        );
        expect(added.map((m) => m.event)).toEqual([
          { kind: 'MEMBERSHIP_CHANGED', seq: 1, userId: n1.id, change: 'ADDED', at },
          { kind: 'MEMBERSHIP_CHANGED', seq: 2, userId: n2.id, change: 'ADDED', at },
        ]);
        expect(added[1].member).toEqual({
          tenantId: t,
          conversationId: conversation.id,
          userId: n2.id,
          role: 'ADMIN',
          joinedAt: at,
          historyFromSeq: 0,
          readSeq: 0,
          deliveredSeq: 0,
          muted: false,
          pinned: false,
          archived: false,
        } satisfies Member);
        expect(await store().conversations.getMember(t, conversation.id, n1.id)).toEqual(
          added[0].member,
        );
        expect(await store().conversations.findById(t, conversation.id)).toMatchObject({
          lastSeq: 2,
          memberCount: 4,
        });
        expect(await store().conversations.listEvents(t, conversation.id, 0, 10)).toEqual(
          added.map((m) => m.event),
        );

        expect(
          await store().conversations.addMembers(t, conversation.id, [member(n1)], nextTime()),
        ).toEqual([]);
        expect(await store().conversations.findById(t, conversation.id)).toMatchObject({
          lastSeq: 2,
          memberCount: 4,
        });
        await expectDomainError(
          store().conversations.addMembers(t, newId(), [member(n1)], nextTime()),
          'NOT_FOUND',
        );
      });

      it('keeps the history visibility, and starts a SINCE_JOINED member after their ADDED entry', async () => {
        const t = aTenantId();
        const [owner, early, late] = await seedUsers(store(), t, 3);
        const input = aConversation(t, { historyVisibility: 'SINCE_JOINED' });
        const created = await store().conversations.create(input, [
          { userId: owner.id, role: 'OWNER' },
          { userId: early.id, role: 'MEMBER' },
        ]);
        expect(created.historyVisibility).toBe('SINCE_JOINED');
        expect((await store().conversations.findById(t, input.id))?.historyVisibility).toBe(
          'SINCE_JOINED',
        );
        // Initial members see everything; one added later sees what follows their ADDED entry.
        expect((await store().conversations.getMember(t, input.id, early.id))?.historyFromSeq).toBe(
          0,
        );
        await store().conversations.removeMember(t, input.id, early.id, 'REMOVED', nextTime());
        const [lateAdded] = await store().conversations.addMembers(
          t,
          input.id,
          [member(late)],
          nextTime(),
        );
        expect(lateAdded?.event.seq).toBe(2);
        expect(lateAdded?.member?.historyFromSeq).toBe(2);
        expect((await store().conversations.getMember(t, input.id, late.id))?.historyFromSeq).toBe(
          2,
        );
        // Added again, a removed member starts over from the new ADDED entry.
        const [again] = await store().conversations.addMembers(
          t,
          input.id,
          [member(early)],
          nextTime(),
        );
        expect(again?.event.seq).toBe(3);
        expect((await store().conversations.getMember(t, input.id, early.id))?.historyFromSeq).toBe(
          3,
        );
        // Under FULL, members added later see everything.
        const full = await store().conversations.create(
          aConversation(t, { historyVisibility: 'FULL' }),
          [{ userId: owner.id, role: 'OWNER' }],
        );
        expect(full.historyVisibility).toBe('FULL');
        const [fullAdded] = await store().conversations.addMembers(
          t,
          full.id,
          [member(late)],
          nextTime(),
        );
        expect(fullAdded?.member?.historyFromSeq).toBe(0);
        // Changing the setting is logged, and applies to members added after it.
        const changed = await store().conversations.updateHistoryVisibility(
          t,
          full.id,
          'SINCE_JOINED',
          nextTime(),
        );
        expect(changed?.conversation.historyVisibility).toBe('SINCE_JOINED');
        expect(changed?.event).toMatchObject({ kind: 'CONVERSATION_CHANGED', seq: 2 });
        expect(
          (await store().conversations.listEvents(t, full.id, 1, 10)).map((e) => e.kind),
        ).toEqual(['CONVERSATION_CHANGED']);
        expect((await store().conversations.getMember(t, full.id, late.id))?.historyFromSeq).toBe(
          0,
        );
        const [afterChange] = await store().conversations.addMembers(
          t,
          full.id,
          [member(early)],
          nextTime(),
        );
        expect(afterChange?.member?.historyFromSeq).toBe(3);
        expect(
          await store().conversations.updateHistoryVisibility(t, newId(), 'FULL', nextTime()),
        ).toBeNull();
      });

      it('keeps a former member’s read periods across removals, leaving and re-adds', async () => {
        const t = aTenantId();
        const [owner, bob, cyd] = await seedUsers(store(), t, 3);
        const input = aConversation(t, { historyVisibility: 'SINCE_JOINED' });
        await store().conversations.create(input, [
          { userId: owner.id, role: 'OWNER' },
          { userId: bob.id, role: 'MEMBER' },
        ]);
        const repo = store().conversations;
        expect(await repo.getFormerMember(t, input.id, bob.id)).toBeNull();
        const removedAt = nextTime();
        const removed = await repo.removeMember(
          t,
          input.id,
          bob.id,
          'REMOVED',
          removedAt,
          owner.id,
        );
        expect(removed?.event.seq).toBe(1);
        expect(await repo.getFormerMember(t, input.id, bob.id)).toMatchObject({
          userId: bob.id,
          periods: [{ fromSeq: 0, toSeq: 1 }],
          change: 'REMOVED',
          actorId: owner.id,
          exitedAt: removedAt,
        });
        expect(await repo.listFormerIdsForUser(t, bob.id, 10)).toEqual([input.id]);
        expect(await repo.listFormerIdsForUser(t, owner.id, 10)).toEqual([]);
        // Removing someone who is not a member records nothing.
        expect(await repo.removeMember(t, input.id, cyd.id, 'REMOVED', nextTime())).toBeNull();
        expect(await repo.getFormerMember(t, input.id, cyd.id)).toBeNull();
        // Added again (seq 2, SINCE_JOINED): the record stays, the conversation is no longer former.
        await repo.addMembers(t, input.id, [member(bob)], nextTime(), owner.id);
        expect((await repo.getFormerMember(t, input.id, bob.id))?.periods).toEqual([
          { fromSeq: 0, toSeq: 1 },
        ]);
        expect(await repo.listFormerIdsForUser(t, bob.id, 10)).toEqual([]);
        // Leaving (seq 4, after Cyd's ADDED at 3) closes the second period; nothing lies between
        // the two (seq 2 is Bob's own ADDED), so they make one.
        await repo.addMembers(t, input.id, [member(cyd)], nextTime(), owner.id);
        await repo.removeMember(t, input.id, bob.id, 'LEFT', nextTime(), bob.id);
        expect(await repo.getFormerMember(t, input.id, bob.id)).toMatchObject({
          periods: [{ fromSeq: 0, toSeq: 4 }],
          change: 'LEFT',
          actorId: bob.id,
        });
        expect(await repo.listFormerIdsForUser(t, bob.id, 10)).toEqual([input.id]);
        // Removed again after a gap: the gap stays out of the periods.
        await repo.addMembers(t, input.id, [member(bob)], nextTime(), owner.id); // seq 5
        await repo.removeMember(t, input.id, bob.id, 'REMOVED', nextTime(), owner.id); // 6
        await repo.removeMember(t, input.id, cyd.id, 'REMOVED', nextTime(), owner.id); // 7
        await repo.addMembers(t, input.id, [member(bob)], nextTime(), owner.id); // 8
        await repo.removeMember(t, input.id, bob.id, 'REMOVED', nextTime(), owner.id); // 9
        expect((await repo.getFormerMember(t, input.id, bob.id))?.periods).toEqual([
          { fromSeq: 0, toSeq: 6 },
          { fromSeq: 8, toSeq: 9 },
        ]);
        // Another tenant learns nothing.
        expect(await repo.getFormerMember(aTenantId(), input.id, bob.id)).toBeNull();
        expect(await repo.listFormerIdsForUser(aTenantId(), bob.id, 10)).toEqual([]);
      });

      it('sets who may mention everyone with a CONVERSATION_CHANGED entry', async () => {
        const t = aTenantId();
        const group = await store().conversations.create(aConversation(t), []);
        expect(group.mentionAll).toBe('MEMBERS');
        const channel = await store().conversations.create(aChannel(t, 'news'), []);
        expect(channel.mentionAll).toBe('ADMINS');
        const changed = await store().conversations.updateMentionAll(
          t,
          group.id,
          'ADMINS',
          nextTime(),
        );
        expect(changed?.conversation.mentionAll).toBe('ADMINS');
        expect(changed?.event).toMatchObject({ kind: 'CONVERSATION_CHANGED', seq: 1 });
        expect(
          (await store().conversations.listEvents(t, group.id, 0, 10)).map((e) => e.kind),
        ).toEqual(['CONVERSATION_CHANGED']);
        expect((await store().conversations.findById(t, group.id))?.mentionAll).toBe('ADMINS');
        expect(
          await store().conversations.updateMentionAll(
            aTenantId(),
            group.id,
            'MEMBERS',
            nextTime(),
          ),
        ).toBeNull();
        expect((await store().conversations.findById(t, group.id))?.mentionAll).toBe('ADMINS');
      });

      it('removes a member with a REMOVED or LEFT entry', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 3);
        const at = nextTime();
        const removed = await store().conversations.removeMember(
          t,
          conversation.id,
          users[1].id,
          'REMOVED',
          at,
        );
        expect(removed).toEqual({
          event: { kind: 'MEMBERSHIP_CHANGED', seq: 1, userId: users[1].id, change: 'REMOVED', at },
          member: null,
        });
        const left = await store().conversations.removeMember(
          t,
          conversation.id,
          users[2].id,
          'LEFT',
          nextTime(),
        );
        expect(left?.event).toMatchObject({ seq: 2, userId: users[2].id, change: 'LEFT' });
        expect(await store().conversations.getMember(t, conversation.id, users[1].id)).toBeNull();
        expect(await store().conversations.findById(t, conversation.id)).toMatchObject({
          lastSeq: 2,
          memberCount: 1,
        });

        expect(
          await store().conversations.removeMember(
            t,
            conversation.id,
            users[1].id,
            'LEFT',
            nextTime(),
          ),
        ).toBeNull();
        expect(await store().conversations.findById(t, conversation.id)).toMatchObject({
          lastSeq: 2,
          memberCount: 1,
        });
        expect(await store().conversations.listEvents(t, conversation.id, 0, 10)).toEqual([
          removed!.event,
          left!.event,
        ]);
        // A removed member can be added back.
        const back = await store().conversations.addMembers(
          t,
          conversation.id,
          [member(users[1])],
          nextTime(),
        );
        expect(back[0].event.seq).toBe(3);
        expect(back[0].member?.readSeq).toBe(0);
      });

      it('sets a role with a ROLE_CHANGED entry', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 2);
        const [outsider] = await seedUsers(store(), t, 1);
        const at = nextTime();
        const changed = await store().conversations.setRole(
          t,
          conversation.id,
          users[1].id,
          'ADMIN',
          at,
        );
        expect(changed?.event).toEqual({
          kind: 'MEMBERSHIP_CHANGED',
          seq: 1,
          userId: users[1].id,
          change: 'ROLE_CHANGED',
          role: 'ADMIN',
          at,
        });
        expect(changed?.member).toMatchObject({ userId: users[1].id, role: 'ADMIN' });
        expect(await store().conversations.getMember(t, conversation.id, users[1].id)).toEqual(
          changed?.member,
        );
        expect(
          await store().conversations.setRole(t, conversation.id, outsider.id, 'ADMIN', nextTime()),
        ).toBeNull();
        expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(1);
      });

      it('updates per-member settings without a log entry', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 2);
        const before = await store().conversations.getMember(t, conversation.id, users[0].id);
        const muted = await store().conversations.updateMemberSettings(
          t,
          conversation.id,
          users[0].id,
          { muted: true },
        );
        expect(muted).toEqual({ ...before, muted: true });
        const pinned = await store().conversations.updateMemberSettings(
          t,
          conversation.id,
          users[0].id,
          {
            pinned: true,
            archived: true,
          },
        );
        expect(pinned).toEqual({ ...before, muted: true, pinned: true, archived: true });
        const unmuted = await store().conversations.updateMemberSettings(
          t,
          conversation.id,
          users[0].id,
          { muted: false },
        );
        expect(unmuted).toEqual({ ...before, pinned: true, archived: true });
        expect(await store().conversations.getMember(t, conversation.id, users[0].id)).toEqual(
          unmuted,
        );
        expect(
          await store().conversations.getMember(t, conversation.id, users[1].id),
        ).toMatchObject({ muted: false });
        expect(
          await store().conversations.updateMemberSettings(t, conversation.id, newId(), {
            muted: true,
          }),
        ).toBeNull();
        expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(0);
      });

      it('updates the title with a CONVERSATION_CHANGED entry', async () => {
        const t = aTenantId();
        const { conversation } = await aGroupWith(store(), t, 1);
        const at = nextTime();
        const result = await store().conversations.updateTitle(t, conversation.id, 'Renamed', at);
        expect(result).toEqual({
          conversation: { ...conversation, title: 'Renamed', lastSeq: 1 },
          event: { kind: 'CONVERSATION_CHANGED', seq: 1, at, attribute: 'TITLE', value: 'Renamed' },
        });
        expect(await store().conversations.findById(t, conversation.id)).toEqual(
          result?.conversation,
        );
        expect(await store().conversations.updateTitle(t, newId(), 'x', nextTime())).toBeNull();
      });
    });

    describe('read and delivery pointers', () => {
      it('moves read and delivered pointers forward only, clamped to lastSeq', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 2);
        const [me, you] = users;
        for (let i = 0; i < 5; i++)
          await store().messages.append(aMessage(t, conversation.id, you.id));
        expect(await store().conversations.advanceRead(t, conversation.id, me.id, 3)).toMatchObject(
          {
            readSeq: 3,
            deliveredSeq: 0,
          },
        );
        expect(await store().conversations.advanceRead(t, conversation.id, me.id, 2)).toMatchObject(
          { readSeq: 3 },
        );
        expect(
          await store().conversations.advanceRead(t, conversation.id, me.id, 99),
        ).toMatchObject({ readSeq: 5 });
        expect(
          await store().conversations.advanceDelivered(t, conversation.id, me.id, 4),
        ).toMatchObject({
          readSeq: 5,
          deliveredSeq: 4,
        });
        expect(
          await store().conversations.advanceDelivered(t, conversation.id, me.id, 1),
        ).toMatchObject({
          deliveredSeq: 4,
        });
        expect(
          await store().conversations.advanceDelivered(t, conversation.id, me.id, 1000),
        ).toMatchObject({
          deliveredSeq: 5,
        });
        expect(await store().conversations.getMember(t, conversation.id, me.id)).toMatchObject({
          readSeq: 5,
          deliveredSeq: 5,
        });
        expect(await store().conversations.getMember(t, conversation.id, you.id)).toMatchObject({
          readSeq: 0,
          deliveredSeq: 0,
        });
        expect(await store().conversations.advanceRead(t, conversation.id, newId(), 1)).toBeNull();
        expect(
          await store().conversations.advanceDelivered(t, conversation.id, newId(), 1),
        ).toBeNull();
      });

      it('counts readers at or past a seq, excluding one user', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 4);
        for (let i = 0; i < 5; i++)
          await store().messages.append(aMessage(t, conversation.id, users[0].id));
        await store().conversations.advanceRead(t, conversation.id, users[0].id, 5);
        await store().conversations.advanceRead(t, conversation.id, users[1].id, 3);
        await store().conversations.advanceRead(t, conversation.id, users[2].id, 2);
        expect(await store().conversations.countReaders(t, conversation.id, 3, users[0].id)).toBe(
          1,
        );
        expect(await store().conversations.countReaders(t, conversation.id, 2, users[0].id)).toBe(
          2,
        );
        expect(await store().conversations.countReaders(t, conversation.id, 2, users[3].id)).toBe(
          3,
        );
        expect(await store().conversations.countReaders(t, conversation.id, 4, users[3].id)).toBe(
          1,
        );
      });
    });

    describe('delivery counts', () => {
      it('counts members who received a seq (delivered or read), excluding one user', async () => {
        const t = aTenantId();
        const cs = store().conversations;
        const { conversation, users } = await aGroupWith(store(), t, 5);
        const [sender, a, b, c, d] = users;
        for (let i = 0; i < 6; i++)
          await store().messages.append(aMessage(t, conversation.id, sender.id));
        expect(await cs.countDelivered(t, conversation.id, 1, sender.id)).toBe(0);
        await cs.advanceDelivered(t, conversation.id, a.id, 4);
        await cs.advanceRead(t, conversation.id, b.id, 2); // reading implies receipt
        await cs.advanceDelivered(t, conversation.id, c.id, 6);
        await cs.advanceDelivered(t, conversation.id, sender.id, 6);
        expect(await cs.countDelivered(t, conversation.id, 1, sender.id)).toBe(3);
        expect(await cs.countDelivered(t, conversation.id, 3, sender.id)).toBe(2);
        expect(await cs.countDelivered(t, conversation.id, 5, sender.id)).toBe(1);
        expect(await cs.countDelivered(t, conversation.id, 5, d.id)).toBe(2);
        expect(await cs.countDelivered(t, conversation.id, 7, d.id)).toBe(0);
        // Never backwards: an older acknowledgement changes no count.
        await cs.advanceDelivered(t, conversation.id, c.id, 1);
        expect(await cs.countDelivered(t, conversation.id, 6, sender.id)).toBe(1);
        expect(await cs.countDelivered(aTenantId(), conversation.id, 1, sender.id)).toBe(0);
        // A removed member no longer counts.
        await cs.removeMember(t, conversation.id, c.id, 'REMOVED', nextTime());
        expect(await cs.countDelivered(t, conversation.id, 6, sender.id)).toBe(0);
      });
    });

    describe('channel names and descriptions', () => {
      it('refuses a second channel of the tenant with the same name, however it is spaced or cased', async () => {
        const t = aTenantId();
        const first = await store().conversations.create(aChannel(t, 'Team News'), []);
        await expectDomainError(
          store().conversations.create(aChannel(t, '  team   NEWS '), []),
          'CONFLICT',
        );
        await expectDomainError(
          store().conversations.create(aChannel(t, 'Ｔｅａｍ News'), []),
          'CONFLICT',
        );
        // Another tenant, or a group, may use the name.
        await store().conversations.create(aChannel(aTenantId(), 'Team News'), []);
        await store().conversations.create(aConversation(t, { title: 'Team News' }), []);
        // A rename into a taken name is refused and changes nothing; a rename frees the old name.
        const other = await store().conversations.create(aChannel(t, 'Other'), []);
        await expectDomainError(
          store().conversations.updateTitle(t, other.id, 'team news', nextTime()),
          'CONFLICT',
        );
        expect((await store().conversations.findById(t, other.id))?.title).toBe('Other');
        expect((await store().conversations.listEvents(t, other.id, 0, 10)).length).toBe(0);
        await store().conversations.updateTitle(t, first.id, 'Team News (old)', nextTime());
        await store().conversations.updateTitle(t, other.id, 'Team News', nextTime());
        expect((await store().conversations.findById(t, other.id))?.title).toBe('Team News');
      });

      it('keeps a description, logs its changes, and clears it with an empty one', async () => {
        const t = aTenantId();
        const [ada] = await seedUsers(store(), t, 1);
        const c = await store().conversations.create(
          aChannel(t, 'Described', { description: 'Release notes 📦' }),
          [],
        );
        expect(c.description).toBe('Release notes 📦');
        const changed = await store().conversations.updateDescription(
          t,
          c.id,
          'Weekly 🗓️ <notes>',
          nextTime(),
          ada.id,
        );
        expect(changed?.conversation.description).toBe('Weekly 🗓️ <notes>');
        expect(changed?.event).toMatchObject({
          kind: 'CONVERSATION_CHANGED',
          seq: 1,
          attribute: 'DESCRIPTION',
          value: 'Weekly 🗓️ <notes>',
          actorId: ada.id,
        });
        const cleared = await store().conversations.updateDescription(t, c.id, '', nextTime());
        expect(cleared?.conversation.description).toBeNull();
        expect((await store().conversations.findById(t, c.id))?.description).toBeNull();
        expect(await store().conversations.listNotices(t, c.id, 0, 10)).toEqual([
          changed!.event,
          cleared!.event,
        ]);
        expect(
          await store().conversations.updateDescription(t, newId(), 'x', nextTime()),
        ).toBeNull();
      });
    });

    describe('log', () => {
      it('lists log entries after a seq, in seq order, at most `limit`', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 2);
        const [extra] = await seedUsers(store(), t, 1);
        const m1 = await store().messages.append(aMessage(t, conversation.id, users[0].id));
        const [add] = await store().conversations.addMembers(
          t,
          conversation.id,
          [member(extra)],
          nextTime(),
        );
        const title = await store().conversations.updateTitle(
          t,
          conversation.id,
          'New title',
          nextTime(),
        );
        const m2 = await store().messages.append(aMessage(t, conversation.id, extra.id));
        const edit = await store().messages.edit(
          t,
          m1.message.id,
          'edited',
          NO_MENTIONS,
          nextTime(),
        );
        const all = [m1.event, add.event, title!.event, m2.event, edit!.event];
        expect(all.map((e) => e!.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(await store().conversations.listEvents(t, conversation.id, 0, 100)).toEqual(all);
        expect(await store().conversations.listEvents(t, conversation.id, 2, 2)).toEqual(
          all.slice(2, 4),
        );
        expect(await store().conversations.listEvents(t, conversation.id, 5, 10)).toEqual([]);
        expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(5);
      });

      it('records who made each change and what it changed, and lists only those entries as notices', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 2);
        const [ada, bob] = users;
        const [dan, eve] = await seedUsers(store(), t, 2);
        const cs = store().conversations;
        await store().messages.append(aMessage(t, conversation.id, ada.id)); // 1: not a notice
        const [added] = await cs.addMembers(t, conversation.id, [member(dan)], nextTime(), ada.id);
        const [joined] = await cs.addMembers(t, conversation.id, [member(eve)], nextTime(), eve.id);
        const role = await cs.setRole(t, conversation.id, dan.id, 'ADMIN', nextTime(), ada.id);
        const title = await cs.updateTitle(t, conversation.id, 'Trip 🇫🇷 ✈️', nextTime(), dan.id);
        const visibility = await cs.updateHistoryVisibility(
          t,
          conversation.id,
          'FULL',
          nextTime(),
          ada.id,
        );
        await store().messages.append(aMessage(t, conversation.id, bob.id)); // 7: not a notice
        const removed = await cs.removeMember(
          t,
          conversation.id,
          eve.id,
          'REMOVED',
          nextTime(),
          dan.id,
        );
        const left = await cs.removeMember(t, conversation.id, bob.id, 'LEFT', nextTime(), bob.id);
        // An entry recorded without an actor (as older entries were) says so by its absence.
        const [anonymous] = await cs.addMembers(t, conversation.id, [member(bob)], nextTime());

        expect(added.event).toMatchObject({
          seq: 2,
          userId: dan.id,
          change: 'ADDED',
          actorId: ada.id,
        });
        expect(joined.event).toMatchObject({
          seq: 3,
          userId: eve.id,
          change: 'ADDED',
          actorId: eve.id,
        });
        expect(role!.event).toMatchObject({
          seq: 4,
          change: 'ROLE_CHANGED',
          role: 'ADMIN',
          actorId: ada.id,
        });
        expect(title!.event).toMatchObject({
          seq: 5,
          kind: 'CONVERSATION_CHANGED',
          attribute: 'TITLE',
          value: 'Trip 🇫🇷 ✈️',
          actorId: dan.id,
        });
        expect(visibility!.event).toMatchObject({
          seq: 6,
          attribute: 'HISTORY_VISIBILITY',
          value: 'FULL',
          actorId: ada.id,
        });
        expect(removed!.event).toMatchObject({ seq: 8, change: 'REMOVED', actorId: dan.id });
        expect(left!.event).toMatchObject({ seq: 9, change: 'LEFT', actorId: bob.id });
        expect(anonymous.event).not.toHaveProperty('actorId');

        const notices = [
          added.event,
          joined.event,
          role!.event,
          title!.event,
          visibility!.event,
          removed!.event,
          left!.event,
          anonymous.event,
        ];
        // Read back exactly as recorded, from both reads of the log.
        expect(await cs.listNotices(t, conversation.id, 0, 100)).toEqual(notices);
        expect(await cs.listNotices(t, conversation.id, 3, 2)).toEqual(notices.slice(2, 4));
        expect(await cs.listNotices(t, conversation.id, 6, 100)).toEqual(notices.slice(5));
        expect(await cs.listNotices(t, conversation.id, 10, 100)).toEqual([]);
        const log = await cs.listEvents(t, conversation.id, 0, 100);
        expect(log.filter((e) => e.kind !== 'MESSAGE_ADDED')).toEqual(notices);
        expect(await cs.listNotices(aTenantId(), conversation.id, 0, 100)).toEqual([]);
      });

      it('settles a range of seqs: the committed entries, up to lastSeq, with nothing pending when no write is under way', async () => {
        const t = aTenantId();
        const { conversation, users } = await aGroupWith(store(), t, 2);
        const m1 = await store().messages.append(aMessage(t, conversation.id, users[0].id));
        const title = await store().conversations.updateTitle(
          t,
          conversation.id,
          'Settled',
          nextTime(),
        );
        const m2 = await store().messages.append(aMessage(t, conversation.id, users[1].id));
        const all = [m1.event, title!.event, m2.event];
        expect(await store().conversations.settleSeqs(t, conversation.id, 0, 3)).toEqual({
          entries: all,
          pending: [],
        });
        expect(await store().conversations.settleSeqs(t, conversation.id, 1, 2)).toEqual({
          entries: [title!.event],
          pending: [],
        });
        // Seqs past lastSeq were never given out: nothing comes back, and they stay usable.
        expect(await store().conversations.settleSeqs(t, conversation.id, 3, 9)).toEqual({
          entries: [],
          pending: [],
        });
        const m3 = await store().messages.append(aMessage(t, conversation.id, users[0].id));
        expect(m3.event!.seq).toBe(4);
        expect(await store().conversations.listEvents(t, conversation.id, 0, 10)).toEqual([
          ...all,
          m3.event,
        ]);
        // Another tenant, or an unknown conversation, settles nothing.
        expect(await store().conversations.settleSeqs(aTenantId(), conversation.id, 0, 4)).toEqual({
          entries: [],
          pending: [],
        });
        expect(await store().conversations.settleSeqs(t, newId(), 0, 4)).toEqual({
          entries: [],
          pending: [],
        });
      });
    });

    it('never reads or changes another tenant’s conversations, even with their ids', async () => {
      const a = aTenantId();
      const b = aTenantId();
      const { conversation, users } = await aGroupWith(store(), a, 2);
      const [me, you] = users;
      const dm = await store().conversations.create(aDirectConversation(a, me.id, you.id), [
        member(me),
        member(you),
      ]);
      const channel = await store().conversations.create(aChannel(a, 'general'), [owner(me)]);
      await store().messages.append(aMessage(a, conversation.id, you.id));
      await store().conversations.advanceRead(a, conversation.id, you.id, 1);
      const [outsider] = await seedUsers(store(), a, 1);
      const snapshot = async () => ({
        conversations: (
          await store().conversations.findByIds(a, [conversation.id, dm.id, channel.id])
        ).sort((x, y) => (x.id < y.id ? -1 : 1)),
        members: await store().conversations.listMembers(a, conversation.id, {
          first: 100,
          after: null,
        }),
        events: await store().conversations.listEvents(a, conversation.id, 0, 100),
      });
      const before = await snapshot();

      const cs = store().conversations;
      const page = { first: 10, after: null };
      expect(await cs.findById(b, conversation.id)).toBeNull();
      expect(await cs.findByIds(b, [conversation.id, dm.id])).toEqual([]);
      expect(await cs.findByUniqueKey(b, dm.uniqueKey!)).toBeNull();
      expect(await cs.listForUser(b, me.id, page)).toEqual(EMPTY_PAGE);
      expect(await cs.searchChannels(b, null, page)).toEqual(EMPTY_PAGE);
      expect(await cs.searchChannels(b, 'gen', page)).toEqual(EMPTY_PAGE);
      expect(await cs.listIdsForUser(b, me.id, 100)).toEqual([]);
      expect(await cs.listPeerIds(b, me.id, 100)).toEqual([]);
      expect(await cs.getMember(b, conversation.id, me.id)).toBeNull();
      expect(await cs.listMembers(b, conversation.id, page)).toEqual(EMPTY_PAGE);
      expect(await cs.countMembersWithRole(b, conversation.id, 'OWNER')).toBe(0);
      await expectDomainError(
        cs.addMembers(b, conversation.id, [member(outsider)], nextTime()),
        'NOT_FOUND',
      );
      expect(await cs.removeMember(b, conversation.id, you.id, 'REMOVED', nextTime())).toBeNull();
      expect(await cs.setRole(b, conversation.id, you.id, 'OWNER', nextTime())).toBeNull();
      expect(await cs.updateMemberSettings(b, conversation.id, me.id, { muted: true })).toBeNull();
      expect(await cs.updateTitle(b, conversation.id, 'Hijacked', nextTime())).toBeNull();
      expect(await cs.advanceRead(b, conversation.id, me.id, 1)).toBeNull();
      expect(await cs.advanceDelivered(b, conversation.id, me.id, 1)).toBeNull();
      expect(await cs.countReaders(b, conversation.id, 0, me.id)).toBe(0);
      expect(await cs.listEvents(b, conversation.id, 0, 100)).toEqual([]);

      // The same unique key is free in another tenant.
      const [bMe, bYou] = await seedUsers(store(), b, 2);
      const bDm = await cs.findOrCreateUnique(aDirectConversation(b, me.id, you.id), [
        member(bMe),
        member(bYou),
      ]);
      expect(bDm.created).toBe(true);
      expect(bDm.conversation.id).not.toBe(dm.id);
      expect(await cs.findByUniqueKey(a, dm.uniqueKey!)).toEqual(dm);

      expect(await snapshot()).toEqual(before);
    });
  });
}
