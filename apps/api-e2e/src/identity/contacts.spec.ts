import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiProcess,
  gql,
  nextPhone,
  ok,
  removeDataDir,
  Session,
  signUp,
  wsClient,
} from '../support';
import {
  expectCode,
  expectNoUnexpectedErrors,
  expectOneOf,
  history,
  me,
  RANDOM_ID,
  sendText,
  startBuiltApi,
} from './identity-helpers';

const ADD =
  'mutation($p:String!){ addContact(phone:$p){ addedAt user { id name phone isContact } } }';
const REMOVE = 'mutation($u:ID!){ removeContact(userId:$u) }';
const CONTACTS =
  'query($f:Int,$a:String){ contacts(first:$f, after:$a){ edges { cursor node { user { id phone } } } pageInfo { hasNextPage endCursor } } }';
const USER =
  'query($id:ID!){ user(id:$id){ id name phone isContact isBlocked statusText lastSeenAt presence { status lastSeenAt } } }';
const PROFILE =
  'mutation($i:UpdateProfileInput!){ updateProfile(input:$i){ id name avatarUrl statusText statusEmoji presencePrivacy } }';
const OPEN_DM = 'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }';

interface UserView {
  id: string;
  name: string;
  phone: string | null;
  isContact: boolean;
  isBlocked: boolean;
  statusText: string | null;
  lastSeenAt: string | null;
  presence: { status: string; lastSeenAt: string | null };
}

describe('contacts, phone visibility, presence privacy and blocking', () => {
  let api: ApiProcess;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let dave: Session;
  const sockets: Client[] = [];

  beforeAll(async () => {
    api = await startBuiltApi({ PRESENCE_TTL_MS: '30000' });
    alice = await signUp(api, 'Alice');
    bob = await signUp(api, 'Bob');
    carol = await signUp(api, 'Carol');
    dave = await signUp(api, 'Dave');
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const view = async (viewer: Session, target: Session): Promise<UserView> =>
    (await ok<{ user: UserView }>(api, USER, { id: target.userId }, viewer.accessToken)).user;
  const contactIds = async (owner: Session): Promise<string[]> => {
    const data = await ok(api, CONTACTS, { f: 100 }, owner.accessToken);
    return data.contacts.edges
      .map((e: { node: { user: { id: string } } }) => e.node.user.id)
      .sort();
  };
  const online = (who: Session) => {
    const client = wsClient(api, who.accessToken);
    sockets.push(client);
    return client;
  };

  describe('contacts', () => {
    it('adds a contact by phone number; a phone is visible only to its owner and to the users in the owner’s contacts', async () => {
      const before = await view(alice, bob);
      expect(before).toMatchObject({ id: bob.userId, name: 'Bob', phone: null, isContact: false });
      expect((await me(api, alice.accessToken)).data?.me.phone).toBe(alice.phone);

      const added = await gql(api, ADD, { p: bob.phone }, alice.accessToken);
      expect(added.errors).toBeUndefined();
      // Consent is the target's: Alice adding Bob shows Bob Alice's number, not the reverse.
      expect(added.data!.addContact.user).toEqual({
        id: bob.userId,
        name: 'Bob',
        phone: null,
        isContact: true,
      });
      expect(Number.isNaN(Date.parse(added.data!.addContact.addedAt))).toBe(false);

      expect(await view(alice, bob)).toMatchObject({ phone: null, isContact: true });
      expect(await view(bob, alice)).toMatchObject({ phone: alice.phone, isContact: false });
      expect(await view(carol, bob)).toMatchObject({ phone: null });
      expect(await view(carol, alice)).toMatchObject({ phone: null });
      expect(await contactIds(alice)).toEqual([bob.userId]);
      // Once Bob adds Alice too, each sees the other's number.
      await ok(api, ADD, { p: alice.phone }, bob.accessToken);
      expect(await view(alice, bob)).toMatchObject({ phone: bob.phone, isContact: true });
      await ok(api, REMOVE, { u: alice.userId }, bob.accessToken);
      expect(await view(alice, bob)).toMatchObject({ phone: null, isContact: true });

      // Adding again (also in another notation) is idempotent.
      const formatted = `+1 ${bob.phone.slice(2, 5)}-${bob.phone.slice(5, 8)}-${bob.phone.slice(8)}`;
      expect(
        (await gql(api, ADD, { p: formatted }, alice.accessToken)).data?.addContact.user.id,
      ).toBe(bob.userId);
      expect(await contactIds(alice)).toEqual([bob.userId]);
    });

    it('refuses unknown numbers (NOT_FOUND), yourself and malformed numbers (BAD_USER_INPUT), changing nothing', async () => {
      const before = await contactIds(dave);
      expectCode(await gql(api, ADD, { p: nextPhone() }, dave.accessToken), 'NOT_FOUND');
      expectCode(
        await gql(api, ADD, { p: dave.phone }, dave.accessToken),
        'BAD_USER_INPUT',
        'phone',
      );
      for (const p of [
        '',
        'abc',
        '123',
        '+1',
        'x'.repeat(10_000),
        `+${'9'.repeat(40)}`,
        '\u0000',
      ]) {
        expectCode(await gql(api, ADD, { p }, dave.accessToken), 'BAD_USER_INPUT', 'phone');
      }
      expectCode(
        await gql(
          api,
          'mutation { addContact(phone: 14155550123) { addedAt } }',
          {},
          dave.accessToken,
        ),
        'GRAPHQL_VALIDATION_FAILED',
      );
      expectCode(
        await gql(api, 'mutation { addContact { addedAt } }', {}, dave.accessToken),
        'GRAPHQL_VALIDATION_FAILED',
      );
      expectOneOf(await gql(api, ADD, { p: null }, dave.accessToken), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectCode(await gql(api, ADD, { p: bob.phone }), 'UNAUTHENTICATED');
      expect(await contactIds(dave)).toEqual(before);
    });

    it('pages contacts with first/after, refuses bad page sizes and cursors, and removes contacts', async () => {
      const owner = carol;
      const others = [alice, bob, dave, await signUp(api, 'Erin'), await signUp(api, 'Frank')];
      for (const other of others) await ok(api, ADD, { p: other.phone }, owner.accessToken);

      const seen: string[] = [];
      let after: string | null = null;
      const sizes: number[] = [];
      for (let page = 0; page < 5; page++) {
        const data: {
          contacts: {
            edges: { cursor: string; node: { user: { id: string; phone: string | null } } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        } = await ok(api, CONTACTS, { f: 2, a: after }, owner.accessToken);
        sizes.push(data.contacts.edges.length);
        for (const edge of data.contacts.edges) {
          seen.push(edge.node.user.id);
          // Adding someone does not show their number: only their own contacts see it.
          expect(edge.node.user.phone).toBeNull();
        }
        if (!data.contacts.pageInfo.hasNextPage) break;
        after = data.contacts.pageInfo.endCursor;
      }
      expect(sizes).toEqual([2, 2, 1]);
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual(others.map((o) => o.userId).sort());

      for (const f of [0, -1, 101, 100_000])
        expectCode(await gql(api, CONTACTS, { f }, owner.accessToken), 'BAD_USER_INPUT', 'first');
      for (const a of [
        'garbage',
        '',
        '!!!',
        'W10',
        Buffer.from('["x", "y", "z", "w"]').toString('base64url'),
        'x'.repeat(50_000),
      ]) {
        const result = await gql(api, CONTACTS, { f: 2, a }, owner.accessToken);
        if (a === '') {
          // An empty cursor may mean "from the start"; it must not be an internal error.
          if (result.errors) expectCode(result, 'BAD_USER_INPUT');
          continue;
        }
        expectCode(result, 'BAD_USER_INPUT', 'after');
      }
      expectCode(
        await gql(
          api,
          'query { contacts(first: "two") { edges { cursor } } }',
          {},
          owner.accessToken,
        ),
        'GRAPHQL_VALIDATION_FAILED',
      );

      // removeContact
      expect((await gql(api, REMOVE, { u: bob.userId }, owner.accessToken)).data).toEqual({
        removeContact: true,
      });
      expect(await contactIds(owner)).not.toContain(bob.userId);
      expect(await view(owner, bob)).toMatchObject({ phone: null, isContact: false });
      expect((await gql(api, REMOVE, { u: bob.userId }, owner.accessToken)).data).toEqual({
        removeContact: false,
      });
      for (const u of [RANDOM_ID, 'garbage', 'x'.repeat(10_000)]) {
        expect((await gql(api, REMOVE, { u }, owner.accessToken)).data).toEqual({
          removeContact: false,
        });
      }
      expect(await contactIds(owner)).toHaveLength(4);
    });

    it('looks users up by id within the tenant only; malformed ids answer null', async () => {
      for (const id of [RANDOM_ID, 'garbage', '', 'x'.repeat(10_000), "' OR 1=1 --"]) {
        expect((await gql(api, USER, { id }, alice.accessToken)).data).toEqual({ user: null });
      }
      expectCode(
        await gql(api, '{ user { id } }', {}, alice.accessToken),
        'GRAPHQL_VALIDATION_FAILED',
      );
      expectCode(
        await gql(api, '{ user(id: 1.5) { id } }', {}, alice.accessToken),
        'GRAPHQL_VALIDATION_FAILED',
      );
    });
  });

  describe('profile and presence privacy', () => {
    it('updates the profile; bad values are refused with BAD_USER_INPUT and change nothing', async () => {
      const updated = await gql(
        api,
        PROFILE,
        {
          i: {
            name: 'Dave D.',
            statusText: 'On a boat',
            statusEmoji: '⛵',
            avatarUrl: 'https://example.com/a.png',
          },
        },
        dave.accessToken,
      );
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updateProfile).toMatchObject({
        name: 'Dave D.',
        statusText: 'On a boat',
        statusEmoji: '⛵',
        avatarUrl: 'https://example.com/a.png',
      });
      expect(await view(alice, dave)).toMatchObject({ name: 'Dave D.', statusText: 'On a boat' });

      const bad: [Record<string, unknown>, string][] = [
        [{ name: 'x'.repeat(10_000) }, 'name'],
        [{ name: '' }, 'name'],
        [{ name: '   ' }, 'name'],
        [{ name: null }, 'name'],
        [{ name: 'two\nlines' }, 'name'],
        [{ name: 'bell\u0007' }, 'name'],
        [{ name: 'del\u007f' }, 'name'],
        [{ avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
        [{ avatarUrl: 'not a url' }, 'avatarUrl'],
        [{ avatarUrl: 'file:///etc/passwd' }, 'avatarUrl'],
        [{ avatarUrl: `https://example.com/${'a'.repeat(10_000)}` }, 'avatarUrl'],
        [{ statusText: 'x'.repeat(10_000) }, 'statusText'],
        [{ statusText: 'esc\u001b[2J' }, 'statusText'],
        [{ statusEmoji: 'x'.repeat(100) }, 'statusEmoji'],
      ];
      for (const [input, field] of bad)
        expectCode(
          await gql(api, PROFILE, { i: input }, dave.accessToken),
          'BAD_USER_INPUT',
          field,
        );
      expectOneOf(
        await gql(api, PROFILE, { i: { presencePrivacy: 'SOMETIMES' } }, dave.accessToken),
        ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED'],
      );
      expectOneOf(await gql(api, PROFILE, { i: { name: 42 } }, dave.accessToken), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectOneOf(await gql(api, PROFILE, { i: { bogus: 'x' } }, dave.accessToken), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectOneOf(await gql(api, PROFILE, {}, dave.accessToken), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expectCode(
        await gql(
          api,
          'mutation { updateProfile(input: { presencePrivacy: SOMETIMES }) { id } }',
          {},
          dave.accessToken,
        ),
        'GRAPHQL_VALIDATION_FAILED',
      );

      const after = await ok(
        api,
        '{ me { name statusText statusEmoji avatarUrl presencePrivacy } }',
        {},
        dave.accessToken,
      );
      expect(after.me).toEqual({
        name: 'Dave D.',
        statusText: 'On a boat',
        statusEmoji: '⛵',
        avatarUrl: 'https://example.com/a.png',
        presencePrivacy: 'EVERYONE',
      });
    });

    it('hides presence per presencePrivacy: NOBODY shows OFFLINE without lastSeenAt, CONTACTS only to contacts', async () => {
      online(bob);
      await expect
        .poll(async () => (await view(alice, bob)).presence.status, { timeout: 10_000 })
        .toBe('ONLINE');

      const nobody = await gql(api, PROFILE, { i: { presencePrivacy: 'NOBODY' } }, bob.accessToken);
      expect(nobody.data?.updateProfile.presencePrivacy).toBe('NOBODY');
      const hidden = await view(alice, bob);
      expect(hidden.presence).toEqual({ status: 'OFFLINE', lastSeenAt: null });
      expect(hidden.lastSeenAt).toBeNull();
      expect((await view(dave, bob)).presence).toEqual({ status: 'OFFLINE', lastSeenAt: null });
      // Bob himself still sees the truth, and his setting.
      expect((await view(bob, bob)).presence.status).toBe('ONLINE');
      expect((await me(api, bob.accessToken)).data?.me.presencePrivacy).toBe('NOBODY');
      // Others never see someone's privacy setting.
      expect(
        (
          await ok(
            api,
            'query($id:ID!){ user(id:$id){ presencePrivacy } }',
            { id: bob.userId },
            alice.accessToken,
          )
        ).user.presencePrivacy,
      ).toBeNull();

      // CONTACTS: only users in Bob's contacts see him.
      await ok(api, PROFILE, { i: { presencePrivacy: 'CONTACTS' } }, bob.accessToken);
      expect((await view(alice, bob)).presence.status).toBe('OFFLINE');
      await ok(api, ADD, { p: alice.phone }, bob.accessToken);
      expect((await view(alice, bob)).presence.status).toBe('ONLINE');
      expect((await view(dave, bob)).presence).toEqual({ status: 'OFFLINE', lastSeenAt: null });

      await ok(api, PROFILE, { i: { presencePrivacy: 'EVERYONE' } }, bob.accessToken);
      expect((await view(dave, bob)).presence.status).toBe('ONLINE');
    });

    it('shows lastSeenAt after a user goes offline, unless their privacy is NOBODY', async () => {
      const erin = await signUp(api, 'Erin Two');
      const socket = online(erin);
      await expect
        .poll(async () => (await view(alice, erin)).presence.status, { timeout: 10_000 })
        .toBe('ONLINE');
      await socket.dispose();
      await expect
        .poll(async () => (await view(alice, erin)).presence.status, { timeout: 10_000 })
        .toBe('OFFLINE');
      await expect
        .poll(async () => (await view(alice, erin)).lastSeenAt, { timeout: 10_000 })
        .not.toBeNull();
      expect((await view(alice, erin)).presence.lastSeenAt).not.toBeNull();

      await ok(api, PROFILE, { i: { presencePrivacy: 'NOBODY' } }, erin.accessToken);
      const hidden = await view(alice, erin);
      expect(hidden.lastSeenAt).toBeNull();
      expect(hidden.presence).toEqual({ status: 'OFFLINE', lastSeenAt: null });
      expect((await view(erin, erin)).lastSeenAt).not.toBeNull();
    });
  });

  describe('blocking', () => {
    it('a blocked user cannot open a DM with, message, or see the presence of the blocker; unblocking restores all', async () => {
      const blocker = await signUp(api, 'Blocker');
      const blocked = await signUp(api, 'Blocked');
      online(blocker);
      await expect
        .poll(async () => (await view(blocked, blocker)).presence.status, { timeout: 10_000 })
        .toBe('ONLINE');

      const dm = (await ok(api, OPEN_DM, { u: blocker.userId }, blocked.accessToken))
        .openDirectConversation.id as string;
      expect((await sendText(api, blocked, dm, 'hello there')).errors).toBeUndefined();

      expect(
        (
          await gql(
            api,
            'mutation($u:ID!){ blockUser(userId:$u) }',
            { u: blocked.userId },
            blocker.accessToken,
          )
        ).data,
      ).toEqual({ blockUser: true });
      // Blocking twice is harmless.
      expect(
        (
          await gql(
            api,
            'mutation($u:ID!){ blockUser(userId:$u) }',
            { u: blocked.userId },
            blocker.accessToken,
          )
        ).data,
      ).toEqual({ blockUser: true });
      const list = await ok(api, '{ blockedUsers { id name isBlocked } }', {}, blocker.accessToken);
      expect(list.blockedUsers).toEqual([{ id: blocked.userId, name: 'Blocked', isBlocked: true }]);
      expect(
        (await ok(api, '{ blockedUsers { id } }', {}, blocked.accessToken)).blockedUsers,
      ).toEqual([]);

      expectCode(await gql(api, OPEN_DM, { u: blocker.userId }, blocked.accessToken), 'BLOCKED');
      expectCode(await sendText(api, blocked, dm, 'are you there?'), 'BLOCKED');
      expectCode(
        await sendText(api, blocker, dm, 'blocked users cannot be messaged either'),
        'BLOCKED',
      );
      expect((await view(blocked, blocker)).presence).toEqual({
        status: 'OFFLINE',
        lastSeenAt: null,
      });
      expect((await view(blocked, blocker)).lastSeenAt).toBeNull();
      expect((await view(dave, blocker)).presence.status).toBe('ONLINE');
      expect((await history(api, blocker, dm)).map((m) => m.body)).toEqual(['hello there']);

      expect(
        (
          await gql(
            api,
            'mutation($u:ID!){ unblockUser(userId:$u) }',
            { u: blocked.userId },
            blocker.accessToken,
          )
        ).data,
      ).toEqual({ unblockUser: true });
      expect(
        (await ok(api, '{ blockedUsers { id } }', {}, blocker.accessToken)).blockedUsers,
      ).toEqual([]);
      expect(
        (await gql(api, OPEN_DM, { u: blocker.userId }, blocked.accessToken)).data
          ?.openDirectConversation.id,
      ).toBe(dm);
      expect((await sendText(api, blocked, dm, 'friends again')).errors).toBeUndefined();
      expect((await view(blocked, blocker)).presence.status).toBe('ONLINE');
      expect((await history(api, blocker, dm)).map((m) => m.body)).toEqual([
        'hello there',
        'friends again',
      ]);
      expect(
        (
          await gql(
            api,
            'mutation($u:ID!){ unblockUser(userId:$u) }',
            { u: blocked.userId },
            blocker.accessToken,
          )
        ).data,
      ).toEqual({ unblockUser: false });
    });

    it('refuses blocking yourself, unknown and malformed ids, changing nothing', async () => {
      expectCode(
        await gql(
          api,
          'mutation($u:ID!){ blockUser(userId:$u) }',
          { u: dave.userId },
          dave.accessToken,
        ),
        'BAD_USER_INPUT',
        'userId',
      );
      for (const u of [RANDOM_ID, 'garbage', 'x'.repeat(10_000)]) {
        expectCode(
          await gql(api, 'mutation($u:ID!){ blockUser(userId:$u) }', { u }, dave.accessToken),
          'NOT_FOUND',
        );
        const unblock = await gql(
          api,
          'mutation($u:ID!){ unblockUser(userId:$u) }',
          { u },
          dave.accessToken,
        );
        if (unblock.errors) expectCode(unblock, 'NOT_FOUND');
        else expect(unblock.data).toEqual({ unblockUser: false });
      }
      expectCode(
        await gql(api, 'mutation { blockUser { id } }', {}, dave.accessToken),
        'GRAPHQL_VALIDATION_FAILED',
      );
      expect((await ok(api, '{ blockedUsers { id } }', {}, dave.accessToken)).blockedUsers).toEqual(
        [],
      );
    });
  });
});
