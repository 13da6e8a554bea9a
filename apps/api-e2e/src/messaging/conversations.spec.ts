import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir, sleep } from '../support';
import {
  allMessages,
  appUser,
  conversation,
  conversations,
  createGroup,
  expectCode,
  expectNoUnexpectedErrors,
  expectOneOf,
  expectSameAnswer,
  openDm,
  post,
  RANDOM_ID,
  roles,
  send,
  startMessagingApi,
  User,
} from './messaging-helpers';

const ADD_MEMBERS =
  'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id memberCount } }';
const REMOVE_MEMBER =
  'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id memberCount } }';
const SET_ROLE =
  'mutation($c:ID!,$u:ID!,$r:MemberRole!){ setMemberRole(conversationId:$c, userId:$u, role:$r){ id } }';
const LEAVE = 'mutation($c:ID!){ leaveConversation(conversationId:$c) }';
const UPDATE =
  'mutation($i:UpdateConversationInput!){ updateConversation(input:$i){ id title muted pinned archived } }';
const MARK_READ =
  'mutation($c:ID!,$s:Int!){ markRead(conversationId:$c, seq:$s){ id readSeq unreadCount } }';
const JOIN = 'mutation($c:ID!){ joinChannel(conversationId:$c){ id myRole memberCount } }';
const CHANNELS =
  'query($q:String,$f:Int,$a:String){ channels(query:$q, first:$f, after:$a){ edges { cursor node { id title kind myRole } } pageInfo { hasNextPage endCursor } } }';
const MESSAGES =
  'query($c:ID!){ messages(conversationId:$c, last: 50){ edges { node { id body } } } }';

describe('conversations: groups, channels, settings, ordering and read state', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startMessagingApi();
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  describe('groups', () => {
    it('creates a group; only admins add, remove and change roles (FORBIDDEN otherwise)', async () => {
      const [owner, ann, max, newbie, late] = await Promise.all(
        ['Owner', 'Ann', 'Max', 'Newbie', 'Late'].map((n) => appUser(api, n)),
      );
      const created = await gql(
        api,
        'mutation($m:[ID!]!){ createGroup(input:{title:"Team", memberIds:$m}){ id kind title myRole memberCount } }',
        { m: [ann.id, max.id, ann.id] },
        owner.token,
      );
      expect(created.errors).toBeUndefined();
      expect(created.data!.createGroup).toMatchObject({
        kind: 'GROUP',
        title: 'Team',
        myRole: 'OWNER',
        memberCount: 3,
      });
      const id = created.data!.createGroup.id as string;
      expect(roles((await conversation(api, ann, id))!)).toEqual({
        [owner.id]: 'OWNER',
        [ann.id]: 'MEMBER',
        [max.id]: 'MEMBER',
      });
      expect((await conversation(api, ann, id))!.myRole).toBe('MEMBER');

      // A plain member may not manage the group.
      expectCode(await gql(api, ADD_MEMBERS, { c: id, u: [newbie.id] }, ann.token), 'FORBIDDEN');
      expectCode(await gql(api, REMOVE_MEMBER, { c: id, u: max.id }, ann.token), 'FORBIDDEN');
      expectCode(
        await gql(api, SET_ROLE, { c: id, u: max.id, r: 'ADMIN' }, ann.token),
        'FORBIDDEN',
      );
      expectCode(
        await gql(api, SET_ROLE, { c: id, u: ann.id, r: 'OWNER' }, ann.token),
        'FORBIDDEN',
      );
      expectCode(
        await gql(api, UPDATE, { i: { conversationId: id, title: 'Hijacked' } }, ann.token),
        'FORBIDDEN',
      );
      let state = (await conversation(api, owner, id))!;
      expect(state.title).toBe('Team');
      expect(roles(state)).toEqual({ [owner.id]: 'OWNER', [ann.id]: 'MEMBER', [max.id]: 'MEMBER' });

      // The owner does; an admin then may add and remove members.
      expect(
        (await gql(api, ADD_MEMBERS, { c: id, u: [newbie.id] }, owner.token)).data?.addMembers
          .memberCount,
      ).toBe(4);
      expect(
        (await gql(api, SET_ROLE, { c: id, u: ann.id, r: 'ADMIN' }, owner.token)).errors,
      ).toBeUndefined();
      expect(
        (await gql(api, ADD_MEMBERS, { c: id, u: [late.id] }, ann.token)).data?.addMembers
          .memberCount,
      ).toBe(5);
      expect(
        (await gql(api, REMOVE_MEMBER, { c: id, u: late.id }, ann.token)).data?.removeMember
          .memberCount,
      ).toBe(4);
      expect(
        (await gql(api, UPDATE, { i: { conversationId: id, title: 'Team 2' } }, ann.token)).data
          ?.updateConversation.title,
      ).toBe('Team 2');
      // …but not grant or take ownership.
      expectCode(
        await gql(api, SET_ROLE, { c: id, u: max.id, r: 'OWNER' }, ann.token),
        'FORBIDDEN',
      );
      expectCode(await gql(api, REMOVE_MEMBER, { c: id, u: owner.id }, ann.token), 'FORBIDDEN');
      expectCode(
        await gql(api, SET_ROLE, { c: id, u: owner.id, r: 'MEMBER' }, ann.token),
        'FORBIDDEN',
      );

      state = (await conversation(api, owner, id))!;
      expect(state.memberCount).toBe(4);
      expect(roles(state)).toEqual({
        [owner.id]: 'OWNER',
        [ann.id]: 'ADMIN',
        [max.id]: 'MEMBER',
        [newbie.id]: 'MEMBER',
      });
      // Removed, Late keeps the conversation read-only: no role, no members listed.
      const kept = (await conversation(api, late, id))!;
      expect(kept.myRole).toBeNull();
      expect(kept.members?.edges).toEqual([]);
    });

    it('refuses bad group input with stable codes and creates nothing', async () => {
      const [owner, friend] = await Promise.all([appUser(api, 'Careful'), appUser(api, 'Friend')]);
      const create = (title: unknown, memberIds: unknown) =>
        gql(
          api,
          'mutation($t:String!,$m:[ID!]!){ createGroup(input:{title:$t, memberIds:$m}){ id } }',
          { t: title, m: memberIds },
          owner.token,
        );
      for (const title of ['', '   ', 'x'.repeat(10_000), 'bell\u0007', 'two\nlines'])
        expectCode(await create(title, [friend.id]), 'BAD_USER_INPUT', 'title');
      for (const memberIds of [
        [RANDOM_ID],
        ['garbage'],
        [friend.id, RANDOM_ID],
        ['x'.repeat(10_000)],
      ])
        expectCode(await create('Fine', memberIds), 'NOT_FOUND');
      expectOneOf(
        await create(
          'Fine',
          Array.from({ length: 1000 }, () => RANDOM_ID),
        ),
        ['NOT_FOUND', 'BAD_USER_INPUT'],
      );
      expectOneOf(await create(42, [friend.id]), ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);
      expectOneOf(await create('Fine', [42.5]), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
        'NOT_FOUND',
      ]);
      expectOneOf(await create('Fine', null), ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);
      expectCode(
        await gql(
          api,
          'mutation { createGroup(input: { title: "No members" }) { id } }',
          {},
          owner.token,
        ),
        'GRAPHQL_VALIDATION_FAILED',
      );
      expect(await conversations(api, owner)).toEqual([]);

      const id = await createGroup(api, owner, [friend], 'Valid');
      expectOneOf(await gql(api, SET_ROLE, { c: id, u: friend.id, r: 'GOD' }, owner.token), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectCode(
        await gql(
          api,
          'mutation($c:ID!,$u:ID!){ setMemberRole(conversationId:$c, userId:$u, role: GOD){ id } }',
          { c: id, u: friend.id },
          owner.token,
        ),
        'GRAPHQL_VALIDATION_FAILED',
      );
      expectCode(await gql(api, ADD_MEMBERS, { c: id, u: [RANDOM_ID] }, owner.token), 'NOT_FOUND');
      expectCode(await gql(api, REMOVE_MEMBER, { c: id, u: RANDOM_ID }, owner.token), 'NOT_FOUND');
      expectCode(
        await gql(api, SET_ROLE, { c: id, u: RANDOM_ID, r: 'ADMIN' }, owner.token),
        'NOT_FOUND',
      );
      expectCode(
        await gql(api, REMOVE_MEMBER, { c: id, u: owner.id }, owner.token),
        'BAD_USER_INPUT',
        'userId',
      );
      // Direct conversations have exactly two members.
      const dm = await openDm(api, owner, friend);
      expectCode(await gql(api, ADD_MEMBERS, { c: dm, u: [RANDOM_ID] }, owner.token), 'FORBIDDEN');
      expectCode(await gql(api, LEAVE, { c: dm }, owner.token), 'FORBIDDEN');
      expectCode(
        await gql(api, UPDATE, { i: { conversationId: dm, title: 'Our DM' } }, owner.token),
        'FORBIDDEN',
      );
      expectCode(
        await gql(
          api,
          'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
          { u: owner.id },
          owner.token,
        ),
        'BAD_USER_INPUT',
        'userId',
      );

      const all = await conversations(api, owner);
      expect(all.map((c) => c.id).sort()).toEqual([id, dm].sort());
      const group = (await conversation(api, owner, id))!;
      expect(group.memberCount).toBe(2);
      expect(roles(group)).toEqual({ [owner.id]: 'OWNER', [friend.id]: 'MEMBER' });
      expect((await conversation(api, owner, dm))!.title).toBeNull();
    });

    it('the last owner cannot leave (LAST_OWNER); after handing OWNER to someone, leaving works', async () => {
      const [owner, heir, other] = await Promise.all([
        appUser(api, 'Founder'),
        appUser(api, 'Heir'),
        appUser(api, 'Other'),
      ]);
      const id = await createGroup(api, owner, [heir, other], 'Succession');
      await post(api, owner, id, 'founding message');

      expectCode(await gql(api, LEAVE, { c: id }, owner.token), 'LAST_OWNER');
      expectCode(
        await gql(api, SET_ROLE, { c: id, u: owner.id, r: 'MEMBER' }, owner.token),
        'LAST_OWNER',
      );
      expect((await conversation(api, owner, id))!.myRole).toBe('OWNER');

      expect(
        (await gql(api, SET_ROLE, { c: id, u: heir.id, r: 'OWNER' }, owner.token)).errors,
      ).toBeUndefined();
      expect((await gql(api, LEAVE, { c: id }, owner.token)).data).toEqual({
        leaveConversation: true,
      });
      // Having left, the founder keeps the history read-only (docs/history-visibility.md).
      expect((await conversation(api, owner, id))!.myRole).toBeNull();
      expect((await allMessages(api, owner, id)).map((m) => m.body)).toEqual(['founding message']);
      expectCode(await send(api, owner, id, 'still here?'), 'NOT_A_MEMBER');

      const state = (await conversation(api, heir, id))!;
      expect(state.memberCount).toBe(2);
      expect(roles(state)).toEqual({ [heir.id]: 'OWNER', [other.id]: 'MEMBER' });
      expect((await allMessages(api, heir, id)).map((m) => m.body)).toEqual(['founding message']);
      // A member leaves freely.
      expect((await gql(api, LEAVE, { c: id }, other.token)).data).toEqual({
        leaveConversation: true,
      });
      // The heir is now alone: the last member may leave.
      expect((await gql(api, LEAVE, { c: id }, heir.token)).data).toEqual({
        leaveConversation: true,
      });
    });

    it('a removed member keeps reading the history up to the removal, and is refused every write (NOT_A_MEMBER)', async () => {
      const [owner, gone, stays] = await Promise.all([
        appUser(api, 'Remover'),
        appUser(api, 'Removed'),
        appUser(api, 'Stays'),
      ]);
      const id = await createGroup(api, owner, [gone, stays], 'Pruned');
      await post(api, gone, id, 'before removal');
      expect(
        (await gql(api, REMOVE_MEMBER, { c: id, u: gone.id }, owner.token)).data?.removeMember
          .memberCount,
      ).toBe(2);

      expect((await allMessages(api, gone, id)).map((m) => m.body)).toEqual(['before removal']);
      const pairs: [string, Record<string, unknown>][] = [
        [MARK_READ, { s: 1 }],
        [LEAVE, {}],
        ['mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }', {}],
        ['mutation($c:ID!){ markDelivered(conversationId:$c, seq:1) }', {}],
        [
          'query($c:ID!){ searchMessages(query:"removal", conversationId:$c){ edges { node { id } } } }',
          {},
        ],
        ['mutation($c:ID!){ updateConversation(input:{conversationId:$c, muted:true}){ id } }', {}],
      ];
      for (const [query, vars] of pairs)
        expectCode(await gql(api, query, { c: id, ...vars }, gone.token), 'NOT_A_MEMBER');
      // Not a channel: joining it answers as for a random id.
      const join = 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }';
      const joined = await gql(api, join, { c: id }, gone.token);
      expectCode(joined, 'NOT_FOUND');
      expectSameAnswer(joined, await gql(api, join, { c: RANDOM_ID }, gone.token));
      expectCode(await send(api, gone, id, 'let me back in'), 'NOT_A_MEMBER');
      expect((await conversation(api, gone, id))!.myRole).toBeNull();
      // The list and the global search cover current memberships only.
      expect((await conversations(api, gone)).map((c) => c.id)).not.toContain(id);
      expect(
        (
          await ok(
            api,
            '{ searchMessages(query:"removal"){ edges { node { id } } } }',
            {},
            gone.token,
          )
        ).searchMessages.edges,
      ).toEqual([]);
      expectCode(await gql(api, REMOVE_MEMBER, { c: id, u: gone.id }, owner.token), 'NOT_FOUND');

      expect((await allMessages(api, stays, id)).map((m) => m.body)).toEqual(['before removal']);
    });
  });

  describe('channels', () => {
    it('the default general channel exists; channels are created, searched by query and joined', async () => {
      const [creator, visitor] = await Promise.all([
        appUser(api, 'Creator'),
        appUser(api, 'Visitor'),
      ]);
      const initial = await ok(api, CHANNELS, { q: null, f: 50, a: null }, visitor.token);
      const general = initial.channels.edges.find(
        (e: { node: { title: string } }) => e.node.title === 'general',
      );
      expect(general?.node).toMatchObject({ kind: 'CHANNEL', myRole: null });

      const created = await gql(
        api,
        'mutation($t:String!){ createChannel(input:{title:$t}){ id kind title myRole memberCount } }',
        { t: 'Rustaceans' },
        creator.token,
      );
      expect(created.data?.createChannel).toMatchObject({
        kind: 'CHANNEL',
        title: 'Rustaceans',
        myRole: 'OWNER',
        memberCount: 1,
      });
      const id = created.data!.createChannel.id as string;
      await ok(
        api,
        'mutation($t:String!){ createChannel(input:{title:$t}){ id } }',
        { t: 'Gophers' },
        creator.token,
      );

      const search = async (q: string | null) =>
        (await ok(api, CHANNELS, { q, f: 50, a: null }, visitor.token)).channels.edges
          .map((e: { node: { title: string } }) => e.node.title)
          .sort();
      expect(await search('rust')).toEqual(['Rustaceans']);
      expect(await search('RUSTA')).toEqual(['Rustaceans']);
      expect(await search('gopher')).toEqual(['Gophers']);
      expect(await search('no such channel here')).toEqual([]);
      expect(await search('%')).toEqual([]);
      expect(await search('_')).toEqual([]);
      expect(await search(null)).toEqual(['Gophers', 'Rustaceans', 'general']);
      expectCode(
        await gql(api, CHANNELS, { q: 'x'.repeat(10_000) }, visitor.token),
        'BAD_USER_INPUT',
        'query',
      );
      for (const f of [0, -5, 100_000])
        expectCode(await gql(api, CHANNELS, { f }, visitor.token), 'BAD_USER_INPUT', 'first');
      expectCode(
        await gql(api, CHANNELS, { f: 1, a: 'x'.repeat(50_000) }, visitor.token),
        'BAD_USER_INPUT',
        'after',
      );
      expectCode(
        await gql(api, CHANNELS, { f: 1, a: 'not-a-cursor' }, visitor.token),
        'BAD_USER_INPUT',
        'after',
      );

      // Paging channels one by one visits all three once.
      const paged: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 5; i++) {
        const data: {
          channels: {
            edges: { node: { title: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        } = await ok(api, CHANNELS, { q: null, f: 1, a: after }, visitor.token);
        paged.push(...data.channels.edges.map((e) => e.node.title));
        if (!data.channels.pageInfo.hasNextPage) break;
        after = data.channels.pageInfo.endCursor;
      }
      expect(paged.sort()).toEqual(['Gophers', 'Rustaceans', 'general']);

      // A non-member sees the public channel but cannot read or post until joining.
      const seen = (await conversation(api, visitor, id))!;
      expect(seen).toMatchObject({ kind: 'CHANNEL', myRole: null, unreadCount: 0 });
      expectCode(await gql(api, MESSAGES, { c: id }, visitor.token), 'NOT_FOUND');
      expectCode(await send(api, visitor, id, 'hi'), 'NOT_FOUND');
      expect((await gql(api, JOIN, { c: id }, visitor.token)).data?.joinChannel).toEqual({
        id,
        myRole: 'MEMBER',
        memberCount: 2,
      });
      expect((await gql(api, JOIN, { c: id }, visitor.token)).data?.joinChannel).toEqual({
        id,
        myRole: 'MEMBER',
        memberCount: 2,
      });
      await post(api, visitor, id, 'hello rustaceans');
      expect((await allMessages(api, creator, id)).map((m) => m.body)).toEqual([
        'hello rustaceans',
      ]);
      expect(
        (await gql(api, JOIN, { c: general.node.id }, visitor.token)).data?.joinChannel.myRole,
      ).toBe('MEMBER');

      // Groups are not joinable: same answer as a random id.
      const group = await createGroup(api, creator, [], 'Private');
      const refused = await gql(api, JOIN, { c: group }, visitor.token);
      expectCode(refused, 'NOT_FOUND');
      expectSameAnswer(refused, await gql(api, JOIN, { c: RANDOM_ID }, visitor.token));
      expect(await conversation(api, visitor, group)).toBeNull();

      for (const t of ['', 'x'.repeat(10_000), '\u0000']) {
        expectCode(
          await gql(
            api,
            'mutation($t:String!){ createChannel(input:{title:$t}){ id } }',
            { t },
            creator.token,
          ),
          'BAD_USER_INPUT',
          'title',
        );
      }
      expect(await search(null)).toEqual(['Gophers', 'Rustaceans', 'general']);
    });
  });

  describe('per-member settings, ordering and read state', () => {
    it('mute, pin and archive are per member', async () => {
      const [me, peer] = await Promise.all([
        appUser(api, 'Settings Me'),
        appUser(api, 'Settings Peer'),
      ]);
      const id = await createGroup(api, me, [peer], 'Settings');
      const updated = await gql(
        api,
        UPDATE,
        { i: { conversationId: id, muted: true, pinned: true, archived: true } },
        me.token,
      );
      expect(updated.errors).toBeUndefined();
      expect(await conversation(api, me, id)).toMatchObject({
        muted: true,
        pinned: true,
        archived: true,
      });
      expect(await conversation(api, peer, id)).toMatchObject({
        muted: false,
        pinned: false,
        archived: false,
      });

      await ok(api, UPDATE, { i: { conversationId: id, muted: false } }, me.token);
      expect(await conversation(api, me, id)).toMatchObject({
        muted: false,
        pinned: true,
        archived: true,
      });
      await ok(api, UPDATE, { i: { conversationId: id, archived: false } }, peer.token);
      expect(await conversation(api, me, id)).toMatchObject({
        muted: false,
        pinned: true,
        archived: true,
      });

      expectOneOf(await gql(api, UPDATE, { i: { conversationId: id, muted: 'yes' } }, me.token), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectOneOf(await gql(api, UPDATE, { i: { muted: true } }, me.token), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectCode(
        await gql(api, UPDATE, { i: { conversationId: id, title: 'x'.repeat(10_000) } }, me.token),
        'BAD_USER_INPUT',
        'title',
      );
      const stranger = await appUser(api, 'Settings Stranger');
      const foreign = await gql(
        api,
        UPDATE,
        { i: { conversationId: id, muted: true } },
        stranger.token,
      );
      expectCode(foreign, 'NOT_FOUND');
      expectSameAnswer(
        foreign,
        await gql(api, UPDATE, { i: { conversationId: RANDOM_ID, muted: true } }, stranger.token),
      );
      expect(await conversation(api, me, id)).toMatchObject({
        title: 'Settings',
        muted: false,
        pinned: true,
        archived: true,
      });
      expect(await conversation(api, peer, id)).toMatchObject({
        muted: false,
        pinned: false,
        archived: false,
      });
    });

    it('lists conversations by last activity with lastMessage and unreadCount (own messages excluded)', async () => {
      const [p, q] = await Promise.all([appUser(api, 'Pat'), appUser(api, 'Quinn')]);
      const g1 = await createGroup(api, p, [q], 'First');
      const g2 = await createGroup(api, p, [q], 'Second');
      const dm = await openDm(api, p, q);

      await post(api, q, g2, 'g2 from q');
      await sleep(15);
      await post(api, p, dm, 'dm from p');
      await sleep(15);
      await post(api, q, g1, 'g1 from q (1)');
      await post(api, q, g1, 'g1 from q (2)');
      await post(api, p, g1, 'g1 from p');

      const forP = await conversations(api, p);
      expect(forP.map((c) => c.id)).toEqual([g1, dm, g2]);
      expect(forP.map((c) => c.lastMessage?.body)).toEqual(['g1 from p', 'dm from p', 'g2 from q']);
      expect(forP.map((c) => c.unreadCount)).toEqual([2, 0, 1]);
      const forQ = await conversations(api, q);
      expect(forQ.map((c) => c.id)).toEqual([g1, dm, g2]);
      expect(forQ.map((c) => c.unreadCount)).toEqual([1, 1, 0]);

      // New activity moves a conversation to the top.
      await sleep(15);
      await post(api, q, g2, 'g2 again');
      expect((await conversations(api, p)).map((c) => c.id)).toEqual([g2, g1, dm]);

      // Paging the list with first/after visits each conversation once.
      const first = await ok(
        api,
        '{ conversations(first: 2){ edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        {},
        p.token,
      );
      expect(first.conversations.pageInfo.hasNextPage).toBe(true);
      const rest = await ok(
        api,
        'query($a:String){ conversations(first: 2, after:$a){ edges { node { id } } pageInfo { hasNextPage } } }',
        { a: first.conversations.pageInfo.endCursor },
        p.token,
      );
      expect(
        [...first.conversations.edges, ...rest.conversations.edges].map(
          (e: { node: { id: string } }) => e.node.id,
        ),
      ).toEqual([g2, g1, dm]);
      expect(rest.conversations.pageInfo.hasNextPage).toBe(false);
      expectCode(
        await gql(
          api,
          'query($a:String){ conversations(after:$a){ edges { cursor } } }',
          { a: 'x'.repeat(50_000) },
          p.token,
        ),
        'BAD_USER_INPUT',
        'after',
      );
      expectCode(
        await gql(
          api,
          'query($f:Int){ conversations(first:$f){ edges { cursor } } }',
          { f: 100_000 },
          p.token,
        ),
        'BAD_USER_INPUT',
        'first',
      );
    });

    it('markRead moves the read pointer forward only; unreadCount and readBy follow', async () => {
      const [sender, r1, r2] = await Promise.all([
        appUser(api, 'Sender'),
        appUser(api, 'Reader 1'),
        appUser(api, 'Reader 2'),
      ]);
      const id = await createGroup(api, sender, [r1, r2], 'Receipts');
      const m1 = await post(api, sender, id, 'one');
      const m2 = await post(api, sender, id, 'two');
      const m3 = await post(api, sender, id, 'three');
      expect((await conversation(api, r1, id))!.unreadCount).toBe(3);
      const readBy = async (viewer: User) =>
        (await allMessages(api, viewer, id)).map((m) => m.readBy);
      expect(await readBy(sender)).toEqual([0, 0, 0]);

      const marked = await gql(api, MARK_READ, { c: id, s: m2.seq }, r1.token);
      expect(marked.data?.markRead).toMatchObject({ readSeq: m2.seq, unreadCount: 1 });
      expect(await readBy(sender)).toEqual([1, 1, 0]);
      // An older seq does not move it back.
      expect(
        (await gql(api, MARK_READ, { c: id, s: m1.seq }, r1.token)).data?.markRead,
      ).toMatchObject({ readSeq: m2.seq, unreadCount: 1 });
      expect((await gql(api, MARK_READ, { c: id, s: 0 }, r1.token)).data?.markRead).toMatchObject({
        readSeq: m2.seq,
      });
      expect(await readBy(sender)).toEqual([1, 1, 0]);

      await ok(api, MARK_READ, { c: id, s: m3.seq }, r1.token);
      await ok(api, MARK_READ, { c: id, s: m3.seq }, r2.token);
      expect(await readBy(sender)).toEqual([2, 2, 2]);
      expect((await conversation(api, r2, id))!.unreadCount).toBe(0);

      // A seq beyond the end is clamped: later messages are still unread.
      expect(
        (await gql(api, MARK_READ, { c: id, s: 1_000_000 }, r1.token)).data?.markRead.readSeq,
      ).toBe(m3.seq);
      await post(api, sender, id, 'four');
      expect((await conversation(api, r1, id))!.unreadCount).toBe(1);

      // Bad seqs and foreign conversations.
      for (const s of [-1, -1_000_000])
        expectCode(await gql(api, MARK_READ, { c: id, s }, r1.token), 'BAD_USER_INPUT', 'seq');
      expectOneOf(await gql(api, MARK_READ, { c: id, s: 2 ** 40 }, r1.token), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectOneOf(await gql(api, MARK_READ, { c: id, s: 1.5 }, r1.token), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectOneOf(await gql(api, MARK_READ, { c: id, s: '3' }, r1.token), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      const outsider = await appUser(api, 'Outsider');
      const foreign = await gql(api, MARK_READ, { c: id, s: 1 }, outsider.token);
      expectCode(foreign, 'NOT_FOUND');
      expectSameAnswer(foreign, await gql(api, MARK_READ, { c: RANDOM_ID, s: 1 }, outsider.token));
      expect((await conversation(api, r1, id))!.readSeq).toBe(m3.seq);
    });
  });
});
