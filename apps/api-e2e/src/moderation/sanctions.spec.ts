import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, gql, removeDataDir, signUp, wsClient, dataOf } from '../support';
import { logIn, REFRESH } from '../identity/identity-helpers';
import {
  ADMIN_TOKEN,
  allMessages,
  appUser,
  createGroup,
  createTenant,
  expectCode,
  openDm,
  post,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';

const GRANT =
  'mutation($t:ID!,$u:ID!,$r:TenantRole){ grantTenantRole(tenantId:$t, userId:$u, role:$r){ role } }';
const SUSPEND =
  'mutation($u:ID!,$until:DateTime!,$r:String){ suspendUser(userId:$u, until:$until, reason:$r){ userId kind until reason by } }';
const BAN =
  'mutation($u:ID!,$r:String,$w:Boolean){ banUser(userId:$u, reason:$r, removeMessages:$w){ removedMessages sanction { userId kind until reason by } } }';
const LIFT = 'mutation($u:ID!){ liftSanction(userId:$u) }';
const SANCTIONS = '{ sanctions { userId kind reason user { id name } } }';
const OP_BAN =
  'mutation($t:ID!,$u:ID!,$w:Boolean){ banTenantUser(tenantId:$t, userId:$u, removeMessages:$w){ removedMessages sanction { kind by } } }';
const OP_LIFT = 'mutation($t:ID!,$u:ID!){ liftTenantUserSanction(tenantId:$t, userId:$u) }';
const ME = '{ me { id } }';
const CREATE_CHANNEL = 'mutation($t:String!){ createChannel(input:{title:$t}){ id } }';
const JOIN = 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }';
const CHAT_EVENTS =
  'subscription{ chatEvents { __typename ... on MessageUpdated { message { id body deletedAt } } } }';

const operator = { 'x-admin-token': ADMIN_TOKEN };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('suspending and banning users', () => {
  let api: ApiProcess;
  let counter = 0;

  beforeAll(async () => {
    api = await startMessagingApi();
  });
  afterAll(async () => {
    await api?.stop();
    removeDataDir(api);
  });

  /** A fresh tenant whose first user is its owner and second its admin; the rest are members. */
  async function community(...names: string[]) {
    const id = `ban-${process.pid}-${++counter}`;
    const secret = await createTenant(api, id);
    const users: User[] = [];
    for (const name of names) users.push(await appUser(api, name, id, secret));
    dataOf(await gql(api, GRANT, { t: id, u: users[0]!.id, r: 'OWNER' }, undefined, operator));
    dataOf(await gql(api, GRANT, { t: id, u: users[1]!.id, r: 'ADMIN' }, undefined, operator));
    return { id, secret, users };
  }

  it('a suspended user is refused everywhere until the suspension is lifted; their socket closes at once', async () => {
    const {
      users: [, admin, member],
    } = await community('Owner', 'Admin', 'Member');
    const socket = wsClient(api, member.token);
    let closed: number | null = null;
    socket.on('closed', (event) => (closed = (event as { code?: number }).code ?? -1));
    const events = new Collector(socket, CHAT_EVENTS);
    // The socket is open and subscribed before the suspension.
    await new Promise((r) => setTimeout(r, 500));

    const until = inMinutes(30);
    const suspended = dataOf(
      await gql(api, SUSPEND, { u: member.id, until, r: 'cool down' }, admin.token),
    ).suspendUser;
    expect(suspended).toEqual({
      userId: member.id,
      kind: 'SUSPENDED',
      until,
      reason: 'cool down',
      by: admin.id,
    });
    expectCode(await gql(api, ME, {}, member.token), 'ACCOUNT_SUSPENDED');
    await expect.poll(() => closed, { timeout: 10_000 }).toBe(4403);
    events.stop();
    await socket.dispose();

    expect(dataOf(await gql(api, SANCTIONS, {}, admin.token)).sanctions).toEqual([
      {
        userId: member.id,
        kind: 'SUSPENDED',
        reason: 'cool down',
        user: { id: member.id, name: 'Member' },
      },
    ]);
    expect(dataOf(await gql(api, LIFT, { u: member.id }, admin.token)).liftSanction).toBe(true);
    expect(dataOf(await gql(api, LIFT, { u: member.id }, admin.token)).liftSanction).toBe(false);
    await expect
      .poll(async () => (await gql(api, ME, {}, member.token)).data?.me?.id, { timeout: 5_000 })
      .toBe(member.id);
  });

  it('refuses suspensions that end in the past, last over a year, or carry an oversized reason', async () => {
    const {
      users: [, admin, member],
    } = await community('Owner', 'Admin', 'Member');
    expectCode(
      await gql(api, SUSPEND, { u: member.id, until: inMinutes(-1) }, admin.token),
      'BAD_USER_INPUT',
    );
    expectCode(
      await gql(api, SUSPEND, { u: member.id, until: inMinutes(367 * 24 * 60) }, admin.token),
      'BAD_USER_INPUT',
    );
    expectCode(
      await gql(
        api,
        SUSPEND,
        { u: member.id, until: inMinutes(5), r: 'x'.repeat(501) },
        admin.token,
      ),
      'BAD_USER_INPUT',
    );
    expect((await gql(api, ME, {}, member.token)).data?.me?.id).toBe(member.id);
  });

  it('who may sanction whom: members nobody, admins members, owners admins too; nobody owners or themselves', async () => {
    const {
      id,
      users: [owner, admin, member, other],
    } = await community('Owner', 'Admin', 'Member', 'Other');
    const foreign = await community('F-owner', 'F-admin');
    const until = inMinutes(10);
    expectCode(await gql(api, SUSPEND, { u: other.id, until }, member.token), 'FORBIDDEN');
    expectCode(await gql(api, BAN, { u: other.id }, member.token), 'FORBIDDEN');
    expectCode(await gql(api, SANCTIONS, {}, member.token), 'FORBIDDEN');
    expectCode(await gql(api, BAN, { u: owner.id }, admin.token), 'FORBIDDEN');
    expectCode(await gql(api, BAN, { u: admin.id }, admin.token), 'BAD_USER_INPUT');
    expectCode(await gql(api, BAN, { u: owner.id }, owner.token), 'BAD_USER_INPUT');
    // Another tenant's admin cannot even find the user; nor can this tenant's admin find theirs.
    expectCode(await gql(api, BAN, { u: member.id }, foreign.users[1]!.token), 'NOT_FOUND');
    expectCode(await gql(api, BAN, { u: foreign.users[0]!.id }, admin.token), 'NOT_FOUND');
    // A second admin cannot sanction the first; the owner can.
    dataOf(await gql(api, GRANT, { t: id, u: other.id, r: 'ADMIN' }, undefined, operator));
    expectCode(await gql(api, SUSPEND, { u: admin.id, until }, other.token), 'FORBIDDEN');
    expect(
      dataOf(await gql(api, SUSPEND, { u: admin.id, until }, owner.token)).suspendUser.kind,
    ).toBe('SUSPENDED');
    // A suspended admin moderates nothing: their own requests are refused first.
    expectCode(await gql(api, BAN, { u: member.id }, admin.token), 'ACCOUNT_SUSPENDED');
    // Operators can sanction anyone, an owner too, and lift it.
    const byOperator = dataOf(
      await gql(api, OP_BAN, { t: id, u: owner.id }, undefined, operator),
    ).banTenantUser;
    expect(byOperator).toEqual({ removedMessages: 0, sanction: { kind: 'BANNED', by: null } });
    expectCode(await gql(api, ME, {}, owner.token), 'ACCOUNT_BANNED');
    expectCode(
      await gql(api, OP_BAN, { t: id, u: owner.id }, undefined, {} as typeof operator),
      'FORBIDDEN',
    );
    expectCode(
      await gql(api, OP_BAN, { t: foreign.id, u: owner.id }, undefined, operator),
      'NOT_FOUND',
    );
    expect(
      dataOf(await gql(api, OP_LIFT, { t: id, u: owner.id }, undefined, operator))
        .liftTenantUserSanction,
    ).toBe(true);
    await expect
      .poll(async () => (await gql(api, ME, {}, owner.token)).data?.me?.id, { timeout: 5_000 })
      .toBe(owner.id);
  });

  it('ban and wipe: every message of the spammer is removed, and watchers get the deletes live', async () => {
    const {
      users: [, admin, spammer, watcher],
    } = await community('Owner', 'Admin', 'Spammer', 'Watcher');
    const channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Lobby' }, watcher.token))
      .createChannel.id as string;
    dataOf(await gql(api, JOIN, { c: channel }, spammer.token));
    const group = await createGroup(api, spammer, [watcher], 'Deals');
    const dm = await openDm(api, spammer, watcher);
    const spam = [
      await post(api, spammer, channel, 'cheap watches'),
      await post(api, spammer, channel, 'cheaper watches'),
      await post(api, spammer, group, 'group watches'),
      await post(api, spammer, dm, 'dm watches'),
    ];
    const kept = await post(api, watcher, channel, 'please stop');

    const socket = wsClient(api, watcher.token);
    const events = new Collector<{
      chatEvents: {
        __typename: string;
        message?: { id: string; body: string | null; deletedAt: string | null };
      };
    }>(socket, CHAT_EVENTS);
    await new Promise((r) => setTimeout(r, 500));

    const banned = dataOf(
      await gql(api, BAN, { u: spammer.id, r: 'spam', w: true }, admin.token),
    ).banUser;
    expect(banned).toEqual({
      removedMessages: 4,
      sanction: { userId: spammer.id, kind: 'BANNED', until: null, reason: 'spam', by: admin.id },
    });
    const deletes = await events.until(
      (items) =>
        spam.every((m) =>
          items.some((i) => i.chatEvents.message?.id === m.id && i.chatEvents.message.deletedAt),
        ),
      10_000,
      'a delete event for each spam message',
    );
    expect(deletes.every((i) => i.chatEvents.__typename === 'MessageUpdated')).toBe(true);
    events.stop();
    await socket.dispose();

    for (const c of [channel, group, dm]) {
      const messages = await allMessages(api, watcher, c);
      for (const m of messages.filter((m) => spam.some((s) => s.id === m.id)))
        expect(m.body).toBeNull();
    }
    expect((await allMessages(api, watcher, channel)).find((m) => m.id === kept.id)?.body).toBe(
      'please stop',
    );
    expectCode(await gql(api, ME, {}, spammer.token), 'ACCOUNT_BANNED');
  });

  it('a ban ends phone sessions: the refresh token dies and signing in again is refused', async () => {
    const ownerSession = await signUp(api, 'Phone owner');
    const victim = await signUp(api, 'Phone spammer');
    dataOf(
      await gql(
        api,
        GRANT,
        { t: 'default', u: ownerSession.userId, r: 'ADMIN' },
        undefined,
        operator,
      ),
    );
    dataOf(await gql(api, BAN, { u: victim.userId }, ownerSession.accessToken));
    // The session itself was revoked: its access token says so, and signing in says why.
    expectCode(await gql(api, ME, {}, victim.accessToken), 'TOKEN_REVOKED');
    const refreshed = await gql(api, REFRESH, { r: victim.refreshToken });
    expect(['TOKEN_REVOKED', 'ACCOUNT_BANNED']).toContain(refreshed.errors?.[0]?.extensions?.code);
    await expect(logIn(api, victim.phone)).rejects.toThrow(/ACCOUNT_BANNED/);
    // Lifted, the user signs in again (their old sessions stay ended).
    dataOf(await gql(api, LIFT, { u: victim.userId }, ownerSession.accessToken));
    expectCode(await gql(api, REFRESH, { r: victim.refreshToken }), 'TOKEN_REVOKED');
    const again = await logIn(api, victim.phone);
    expect(again.user.id).toBe(victim.userId);
  });
});
