import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, removeDataDir, dataOf } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  createTenant,
  expectCode,
  post,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';

const GRANT =
  'mutation($t:ID!,$u:ID!,$r:TenantRole){ grantTenantRole(tenantId:$t, userId:$u, role:$r){ role } }';
const SET = 'mutation($u:ID!,$r:TenantRole){ setTenantRole(userId:$u, role:$r){ role } }';
const SUSPEND =
  'mutation($u:ID!,$until:DateTime!,$r:String){ suspendUser(userId:$u, until:$until, reason:$r){ kind } }';
const BAN =
  'mutation($u:ID!,$r:String,$w:Boolean){ banUser(userId:$u, reason:$r, removeMessages:$w){ removedMessages } }';
const LIFT = 'mutation($u:ID!){ liftSanction(userId:$u) }';
const DELETE = 'mutation($id:ID!){ deleteMessage(id:$id){ id } }';
const CREATE_CHANNEL = 'mutation($t:String!){ createChannel(input:{title:$t}){ id } }';
const JOIN = 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }';
const SET_ROLE =
  'mutation($c:ID!,$u:ID!,$r:MemberRole!){ setMemberRole(conversationId:$c, userId:$u, role:$r){ id } }';
const AUDIT = `query($f:AuditLogFilter,$n:Int,$a:String){ auditLog(filter:$f, first:$n, after:$a){
  edges { cursor node { action actorId actor { id } targetUserId target { id } conversationId messageId reason details { key value } } }
  pageInfo { hasNextPage endCursor } } }`;

const operator = { 'x-admin-token': ADMIN_TOKEN };

interface Entry {
  action: string;
  actorId: string | null;
  targetUserId: string | null;
  conversationId: string | null;
  messageId: string | null;
  reason: string | null;
  details: { key: string; value: string | null }[];
}

describe('the audit log', () => {
  let api: ApiProcess;
  let tenant: string;
  let owner: User, admin: User, mod: User, spammer: User, member: User;
  let channel: string;
  let deleted: string;

  const entries = async (who: User, filter: Record<string, unknown> | null = null) =>
    (
      dataOf(await gql(api, AUDIT, { f: filter, n: 100 }, who.token)).auditLog.edges as {
        node: Entry;
      }[]
    ).map((e) => e.node);

  beforeAll(async () => {
    api = await startMessagingApi();
    tenant = `audit-${process.pid}`;
    const secret = await createTenant(api, tenant);
    [owner, admin, mod, spammer, member] = await Promise.all(
      ['Owner', 'Admin', 'Mod', 'Spammer', 'Member'].map((n) => appUser(api, n, tenant, secret)),
    );
    // One of each action, in this order.
    dataOf(await gql(api, GRANT, { t: tenant, u: owner.id, r: 'OWNER' }, undefined, operator));
    dataOf(await gql(api, SET, { u: admin.id, r: 'ADMIN' }, owner.token));
    channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Audited' }, owner.token)).createChannel
      .id;
    for (const u of [mod, spammer, member]) dataOf(await gql(api, JOIN, { c: channel }, u.token));
    dataOf(await gql(api, SET_ROLE, { c: channel, u: mod.id, r: 'MODERATOR' }, owner.token));
    deleted = (await post(api, member, channel, 'off topic')).id;
    dataOf(await gql(api, DELETE, { id: deleted }, mod.token));
    // Deleting one's own message is no moderation: not logged.
    dataOf(
      await gql(api, DELETE, { id: (await post(api, member, channel, 'typo')).id }, member.token),
    );
    const until = new Date(Date.now() + 3_600_000).toISOString();
    dataOf(await gql(api, SUSPEND, { u: spammer.id, until, r: 'first warning' }, admin.token));
    dataOf(await gql(api, LIFT, { u: spammer.id }, admin.token));
    await post(api, spammer, channel, 'buy now');
    dataOf(await gql(api, BAN, { u: spammer.id, r: 'spam', w: true }, admin.token));
  });
  afterAll(async () => {
    await api?.stop();
    removeDataDir(api);
  });

  it('records who did what to whom and why, newest first', async () => {
    const log = await entries(admin);
    expect(log.map((e) => e.action)).toEqual([
      'MESSAGES_REMOVED',
      'USER_BANNED',
      'SANCTION_LIFTED',
      'USER_SUSPENDED',
      'MESSAGE_DELETED',
      'MEMBER_ROLE_CHANGED',
      'TENANT_ROLE_CHANGED',
      'TENANT_ROLE_CHANGED',
    ]);
    const [wiped, banned, , suspended, deletion, appointed, adminGrant, ownerGrant] = log;
    expect(wiped).toMatchObject({ actorId: admin.id, targetUserId: spammer.id, reason: 'spam' });
    expect(wiped!.details).toEqual([{ key: 'count', value: '1' }]);
    expect(banned).toMatchObject({ actorId: admin.id, targetUserId: spammer.id, reason: 'spam' });
    expect(suspended).toMatchObject({ actorId: admin.id, reason: 'first warning' });
    expect(deletion).toMatchObject({
      actorId: mod.id,
      targetUserId: member.id,
      conversationId: channel,
      messageId: deleted,
    });
    expect(appointed).toMatchObject({
      actorId: owner.id,
      targetUserId: mod.id,
      conversationId: channel,
    });
    expect(appointed!.details).toEqual([
      { key: 'role', value: 'MODERATOR' },
      { key: 'previous', value: 'MEMBER' },
    ]);
    expect(adminGrant).toMatchObject({ actorId: owner.id, targetUserId: admin.id });
    // The first owner came from an operator: no tenant user acted.
    expect(ownerGrant).toMatchObject({ actorId: null, targetUserId: owner.id });
    expect(ownerGrant!.details).toEqual([
      { key: 'role', value: 'OWNER' },
      { key: 'previous', value: null },
    ]);
  });

  it('filters by action, actor, target and time, and pages without repeats', async () => {
    expect((await entries(owner, { action: 'USER_BANNED' })).map((e) => e.targetUserId)).toEqual([
      spammer.id,
    ]);
    expect((await entries(owner, { actorId: owner.id })).map((e) => e.action)).toEqual([
      'MEMBER_ROLE_CHANGED',
      'TENANT_ROLE_CHANGED',
    ]);
    expect((await entries(owner, { targetUserId: spammer.id })).map((e) => e.action)).toEqual([
      'MESSAGES_REMOVED',
      'USER_BANNED',
      'SANCTION_LIFTED',
      'USER_SUSPENDED',
    ]);
    expect(await entries(owner, { since: new Date(Date.now() + 60_000).toISOString() })).toEqual(
      [],
    );
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        edges: { cursor: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      } = dataOf(await gql(api, AUDIT, { n: 3, a: after }, owner.token)).auditLog;
      seen.push(...page.edges.map((e) => e.cursor));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expectCode(await gql(api, AUDIT, { a: 'not-a-cursor' }, owner.token), 'BAD_USER_INPUT');
    expectCode(await gql(api, AUDIT, { n: 101 }, owner.token), 'BAD_USER_INPUT');
  });

  it('is for tenant owners and admins only, and only of their own tenant', async () => {
    expectCode(await gql(api, AUDIT, {}, member.token), 'FORBIDDEN');
    expectCode(await gql(api, AUDIT, {}, mod.token), 'FORBIDDEN');
    const otherTenant = `audit-other-${process.pid}`;
    const secret = await createTenant(api, otherTenant);
    const stranger = await appUser(api, 'Other admin', otherTenant, secret);
    dataOf(
      await gql(api, GRANT, { t: otherTenant, u: stranger.id, r: 'ADMIN' }, undefined, operator),
    );
    // Their own tenant's log holds only their own appointment.
    expect((await entries(stranger)).map((e) => [e.action, e.targetUserId])).toEqual([
      ['TENANT_ROLE_CHANGED', stranger.id],
    ]);
    expectCode(await gql(api, AUDIT, {}, undefined, operator), 'UNAUTHENTICATED');
  });
});
