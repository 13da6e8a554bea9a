import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, removeDataDir, dataOf } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  conversation,
  createGroup,
  createTenant,
  expectCode,
  post,
  User,
} from '../messaging/messaging-helpers';
import { startMessagingApi } from '../messaging/messaging-helpers';

const GRANT =
  'mutation($t:ID!,$u:ID!,$r:TenantRole){ grantTenantRole(tenantId:$t, userId:$u, role:$r){ userId role grantedBy } }';
const OPERATOR_LIST = 'query($t:ID!){ tenantRoleGrants(tenantId:$t){ userId role user { id } } }';
const SET =
  'mutation($u:ID!,$r:TenantRole){ setTenantRole(userId:$u, role:$r){ userId role grantedBy } }';
const MINE = '{ myTenantAccess { role permissions } }';
const LIST = '{ tenantRoles { userId role grantedBy user { id name } } }';
const CHANNELS = '{ channels(first: 50){ edges { node { id title myRole memberCount } } } }';
const CREATE_CHANNEL = 'mutation($t:String!){ createChannel(input:{title:$t}){ id } }';
const JOIN = 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }';
const LEAVE = 'mutation($c:ID!){ leaveConversation(conversationId:$c) }';
const SET_ROLE =
  'mutation($c:ID!,$u:ID!,$r:MemberRole!){ setMemberRole(conversationId:$c, userId:$u, role:$r){ id } }';
const REMOVE = 'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }';
const ADD = 'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }';
const DELETE = 'mutation($id:ID!){ deleteMessage(id:$id){ id deletedAt body } }';
const BLOCK = 'mutation($u:ID!){ blockUser(userId:$u) }';
const CREATE_GROUP =
  'mutation($t:String!,$m:[ID!]!){ createGroup(input:{title:$t, memberIds:$m}){ id } }';

const operator = { 'x-admin-token': ADMIN_TOKEN };

describe('tenant roles, channel moderators and who may moderate what', () => {
  let api: ApiProcess;
  let counter = 0;

  beforeAll(async () => {
    api = await startMessagingApi();
  });
  afterAll(async () => {
    await api?.stop();
    removeDataDir(api);
  });

  /** A fresh tenant with `names.length` users (tenant roles are per tenant, so tests stay apart). */
  async function tenantWith(...names: string[]): Promise<{ id: string; users: User[] }> {
    const id = `mod-${process.pid}-${++counter}`;
    const secret = await createTenant(api, id);
    const users: User[] = [];
    for (const name of names) users.push(await appUser(api, name, id, secret));
    return { id, users };
  }

  const grant = (tenantId: string, who: User | string, role: string | null, headers = operator) =>
    gql(
      api,
      GRANT,
      { t: tenantId, u: typeof who === 'string' ? who : who.id, r: role },
      undefined,
      headers,
    );

  async function generalOf(
    who: User,
  ): Promise<{ id: string; myRole: string | null; memberCount: number }> {
    const result = await gql<{
      channels: {
        edges: {
          node: { id: string; title: string; myRole: string | null; memberCount: number };
        }[];
      };
    }>(api, CHANNELS, {}, who.token);
    const node = result.data!.channels.edges.find((e) => e.node.title === 'general')?.node;
    if (!node) throw new Error(`no general channel: ${JSON.stringify(result)}`);
    return node;
  }

  it('operators grant the first owner (admin token only); the owner then owns the general channel', async () => {
    const {
      id,
      users: [ann, ben],
    } = await tenantWith('Ann', 'Ben');
    expect((await generalOf(ann)).myRole).toBeNull();
    expectCode(await grant(id, ann, 'OWNER', {} as typeof operator), 'FORBIDDEN');
    expectCode(await grant(id, ann, 'OWNER', { 'x-admin-token': 'wrong' }), 'FORBIDDEN');
    expect(dataOf(await grant(id, ann, 'OWNER')).grantTenantRole).toEqual({
      userId: ann.id,
      role: 'OWNER',
      grantedBy: null,
    });
    expect((await generalOf(ann)).myRole).toBe('OWNER');
    expect(dataOf(await gql(api, MINE, {}, ann.token)).myTenantAccess).toEqual({
      role: 'OWNER',
      permissions: [
        'tenant.roles.read',
        'tenant.admins.manage',
        'tenant.owners.manage',
        'channels.moderate',
        'users.moderate',
        'audit.read',
        'reports.review',
        'bots.manage',
        'tenant.safety.manage',
        'channels.create.restricted',
      ],
    });
    expect(dataOf(await gql(api, MINE, {}, ben.token)).myTenantAccess).toEqual({
      role: null,
      permissions: [],
    });
    // Operators read the grants; a user's details are for tenant users only.
    expect(
      dataOf(await gql(api, OPERATOR_LIST, { t: id }, undefined, operator)).tenantRoleGrants,
    ).toEqual([{ userId: ann.id, role: 'OWNER', user: null }]);
    // The owner of general can rename it and nobody can leave it ownerless.
    expectCode(await gql(api, LEAVE, { c: (await generalOf(ann)).id }, ann.token), 'LAST_OWNER');
  });

  it('operators cannot grant a role to a user of another tenant, or in a tenant that does not exist', async () => {
    const a = await tenantWith('Ada');
    const b = await tenantWith('Bob');
    expectCode(await grant(a.id, b.users[0], 'ADMIN'), 'NOT_FOUND');
    expectCode(await grant('no-such-tenant', a.users[0], 'ADMIN'), 'NOT_FOUND');
    expectCode(await grant(a.id, a.users[0], 'SUPERUSER'), 'BAD_USER_INPUT');
    expect(dataOf(await grant(b.id, b.users[0], 'ADMIN')).grantTenantRole.role).toBe('ADMIN');
    expect(dataOf(await gql(api, MINE, {}, b.users[0].token)).myTenantAccess.role).toBe('ADMIN');
  });

  it('owners appoint admins and owners; admins and members may not; the last owner cannot step down', async () => {
    const {
      id,
      users: [owner, admin, member, heir],
    } = await tenantWith('Owner', 'Admin', 'Member', 'Heir');
    dataOf(await grant(id, owner, 'OWNER'));
    expect(
      dataOf(await gql(api, SET, { u: admin.id, r: 'ADMIN' }, owner.token)).setTenantRole,
    ).toEqual({
      userId: admin.id,
      role: 'ADMIN',
      grantedBy: owner.id,
    });
    // Admins read the roles but change none; members do neither.
    expect(
      dataOf(await gql(api, LIST, {}, admin.token)).tenantRoles.map(
        (g: { userId: string; role: string }) => [g.userId, g.role],
      ),
    ).toEqual([
      [owner.id, 'OWNER'],
      [admin.id, 'ADMIN'],
    ]);
    expectCode(await gql(api, SET, { u: member.id, r: 'ADMIN' }, admin.token), 'FORBIDDEN');
    expectCode(await gql(api, SET, { u: admin.id, r: 'OWNER' }, admin.token), 'FORBIDDEN');
    expectCode(await gql(api, SET, { u: owner.id, r: null }, admin.token), 'FORBIDDEN');
    expectCode(await gql(api, SET, { u: member.id, r: 'ADMIN' }, member.token), 'FORBIDDEN');
    expectCode(await gql(api, LIST, {}, member.token), 'FORBIDDEN');
    expect(dataOf(await gql(api, MINE, {}, member.token)).myTenantAccess.role).toBeNull();

    expectCode(await gql(api, SET, { u: owner.id, r: 'ADMIN' }, owner.token), 'LAST_OWNER');
    expectCode(await gql(api, SET, { u: owner.id, r: null }, owner.token), 'LAST_OWNER');
    dataOf(await gql(api, SET, { u: heir.id, r: 'OWNER' }, owner.token));
    expect((await generalOf(heir)).myRole).toBe('OWNER');
    expect(
      dataOf(await gql(api, SET, { u: owner.id, r: null }, owner.token)).setTenantRole,
    ).toBeNull();
    expect(dataOf(await gql(api, MINE, {}, owner.token)).myTenantAccess.role).toBeNull();
    expectCode(await gql(api, SET, { u: admin.id, r: null }, owner.token), 'FORBIDDEN');
    expect(
      dataOf(await gql(api, SET, { u: admin.id, r: null }, heir.token)).setTenantRole,
    ).toBeNull();
  });

  it('an owner of one tenant can do nothing to users of another', async () => {
    const a = await tenantWith('Alpha');
    const b = await tenantWith('Beta');
    dataOf(await grant(a.id, a.users[0], 'OWNER'));
    expectCode(
      await gql(api, SET, { u: b.users[0].id, r: 'ADMIN' }, a.users[0].token),
      'NOT_FOUND',
    );
    expect(dataOf(await gql(api, MINE, {}, b.users[0].token)).myTenantAccess.role).toBeNull();
  });

  it('tenant admins delete any message in every public channel of their tenant, not in groups nor elsewhere', async () => {
    const {
      id,
      users: [admin, poster, bystander],
    } = await tenantWith('Admin', 'Poster', 'Bystander');
    const other = await tenantWith('Foreign admin');
    dataOf(await grant(id, admin, 'ADMIN'));
    dataOf(await grant(other.id, other.users[0], 'ADMIN'));
    const channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Spam target' }, poster.token))
      .createChannel.id as string;
    dataOf(await gql(api, JOIN, { c: channel }, bystander.token));
    const spam = await post(api, poster, channel, 'buy cheap watches');
    const spam2 = await post(api, poster, channel, 'buy more watches');
    // A member without a role cannot; an admin of another tenant does not even see it.
    expectCode(await gql(api, DELETE, { id: spam.id }, bystander.token), 'FORBIDDEN');
    expectCode(await gql(api, DELETE, { id: spam.id }, other.users[0].token), 'NOT_FOUND');
    // The tenant admin is not a member of the channel and still removes it.
    const deleted = dataOf(await gql(api, DELETE, { id: spam.id }, admin.token)).deleteMessage;
    expect(deleted).toMatchObject({ id: spam.id, body: null });
    expect(deleted.deletedAt).not.toBeNull();
    // Groups are private: the tenant admin's role does not reach them.
    const group = await createGroup(api, poster, [bystander], 'Private');
    const secret = await post(api, poster, group, 'just us');
    expectCode(await gql(api, DELETE, { id: secret.id }, admin.token), 'NOT_FOUND');
    // Once the role is taken away, so is the power.
    dataOf(await grant(id, admin, null));
    expectCode(await gql(api, DELETE, { id: spam2.id }, admin.token), 'NOT_FOUND');
  });

  it("channel owners appoint moderators, who delete anyone's message but manage no members", async () => {
    const {
      users: [owner, chanAdmin, mod, member],
    } = await tenantWith('Owner', 'Chan admin', 'Mod', 'Member');
    const channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Moderated' }, owner.token))
      .createChannel.id as string;
    for (const u of [chanAdmin, mod, member]) dataOf(await gql(api, JOIN, { c: channel }, u.token));
    dataOf(await gql(api, SET_ROLE, { c: channel, u: chanAdmin.id, r: 'ADMIN' }, owner.token));
    // Only owners appoint and dismiss moderators.
    expectCode(
      await gql(api, SET_ROLE, { c: channel, u: mod.id, r: 'MODERATOR' }, chanAdmin.token),
      'FORBIDDEN',
    );
    expectCode(
      await gql(api, SET_ROLE, { c: channel, u: mod.id, r: 'MODERATOR' }, member.token),
      'FORBIDDEN',
    );
    dataOf(await gql(api, SET_ROLE, { c: channel, u: mod.id, r: 'MODERATOR' }, owner.token));
    expect((await conversation(api, mod, channel))!.myRole).toBe('MODERATOR');
    expectCode(
      await gql(api, SET_ROLE, { c: channel, u: mod.id, r: 'MEMBER' }, chanAdmin.token),
      'FORBIDDEN',
    );

    const rude = await post(api, member, channel, 'something rude');
    const ownPost = await post(api, owner, channel, 'welcome');
    expect(
      dataOf(await gql(api, DELETE, { id: rude.id }, mod.token)).deleteMessage.body,
    ).toBeNull();
    expect(
      dataOf(await gql(api, DELETE, { id: ownPost.id }, mod.token)).deleteMessage.body,
    ).toBeNull();
    // A moderator deletes messages; membership stays with admins and owners.
    expectCode(await gql(api, REMOVE, { c: channel, u: member.id }, mod.token), 'FORBIDDEN');
    expectCode(
      await gql(api, SET_ROLE, { c: channel, u: member.id, r: 'MODERATOR' }, mod.token),
      'FORBIDDEN',
    );
    const rude2 = await post(api, mod, channel, 'a moderator post');
    expectCode(await gql(api, DELETE, { id: rude2.id }, member.token), 'FORBIDDEN');
    // Dismissed, the moderator is an ordinary member again.
    dataOf(await gql(api, SET_ROLE, { c: channel, u: mod.id, r: 'MEMBER' }, owner.token));
    const later = await post(api, member, channel, 'again');
    expectCode(await gql(api, DELETE, { id: later.id }, mod.token), 'FORBIDDEN');
  });

  it('the last owner of a channel cannot leave it until they hand ownership over', async () => {
    const {
      users: [owner, heir],
    } = await tenantWith('Founder', 'Heir');
    const channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Succession' }, owner.token))
      .createChannel.id as string;
    dataOf(await gql(api, JOIN, { c: channel }, heir.token));
    expectCode(await gql(api, LEAVE, { c: channel }, owner.token), 'LAST_OWNER');
    dataOf(await gql(api, SET_ROLE, { c: channel, u: heir.id, r: 'OWNER' }, owner.token));
    expect(dataOf(await gql(api, LEAVE, { c: channel }, owner.token)).leaveConversation).toBe(true);
    expect((await conversation(api, heir, channel))!.myRole).toBe('OWNER');
  });

  it('blocking holds in groups: nobody creates a group with, or adds, someone who blocked them', async () => {
    const {
      users: [blocker, blocked, friend],
    } = await tenantWith('Blocker', 'Blocked', 'Friend');
    dataOf(await gql(api, BLOCK, { u: blocked.id }, blocker.token));
    expectCode(
      await gql(api, CREATE_GROUP, { t: 'Sneaky', m: [blocker.id, friend.id] }, blocked.token),
      'BLOCKED',
    );
    const group = await createGroup(api, blocked, [friend], 'Later');
    dataOf(await gql(api, SET_ROLE, { c: group, u: friend.id, r: 'ADMIN' }, blocked.token));
    expectCode(await gql(api, ADD, { c: group, u: [blocker.id] }, blocked.token), 'BLOCKED');
    // The blocker cannot pull the person they blocked into a group either.
    expectCode(
      await gql(api, CREATE_GROUP, { t: 'Mine', m: [blocked.id] }, blocker.token),
      'BLOCKED',
    );
    // A third person may add the blocker (blocks are between the two of them).
    dataOf(await gql(api, ADD, { c: group, u: [blocker.id] }, friend.token));
  });
});
