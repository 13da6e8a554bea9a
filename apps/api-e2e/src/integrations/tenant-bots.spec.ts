import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, dataOf, gql, removeDataDir } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  createTenant,
  expectCode,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';

/**
 * Bot accounts managed by a tenant's owners and admins (not only operators): their own tenant's
 * bots only, each creation and revocation in the tenant's audit log, and webhook management by
 * the bot recorded too.
 */
const GRANT =
  'mutation($t:ID!,$u:ID!,$r:TenantRole){ grantTenantRole(tenantId:$t, userId:$u, role:$r){ role } }';
const CREATE = `mutation($n:String!,$s:[BotScope!]!,$c:[ID!]){ createTenantBot(name:$n, scopes:$s, conversationIds:$c){
  token bot { id tenantId name scopes conversationIds revokedAt } } }`;
const LIST = '{ tenantBots { id name revokedAt } }';
const REVOKE = 'mutation($id:ID!){ revokeTenantBot(id:$id){ id revokedAt } }';
const ME = '{ me { id name isBot } }';
const AUDIT = `query($f:AuditLogFilter){ auditLog(filter:$f, first:100){
  edges { node { action actorId targetUserId conversationId details { key value } } } } }`;
const CREATE_GROUP =
  'mutation($t:String!,$m:[ID!]!){ createGroup(input:{title:$t, memberIds:$m}){ id } }';
const INCOMING =
  'mutation($c:ID!){ createIncomingWebhook(conversationId:$c){ path webhook { id } } }';
const REVOKE_INCOMING = 'mutation($id:ID!){ revokeIncomingWebhook(id:$id){ id } }';

const operator = { 'x-admin-token': ADMIN_TOKEN };

interface Created {
  token: string;
  bot: { id: string; tenantId: string; name: string; scopes: string[]; revokedAt: string | null };
}

describe('bots managed by tenant owners and admins', () => {
  let api: ApiProcess;
  let counter = 0;

  beforeAll(async () => {
    api = await startMessagingApi();
  });
  afterAll(async () => {
    await api?.stop();
    removeDataDir(api);
  });

  async function tenantWith(...names: string[]): Promise<{ id: string; users: User[] }> {
    const id = `bots-${process.pid}-${++counter}`;
    const secret = await createTenant(api, id);
    const users: User[] = [];
    for (const name of names) users.push(await appUser(api, name, id, secret));
    return { id, users };
  }
  const grant = async (tenantId: string, who: User, role: string) =>
    dataOf(await gql(api, GRANT, { t: tenantId, u: who.id, r: role }, undefined, operator));
  const create = async (who: User, name: string, scopes: string[], c: string[] | null = null) =>
    gql<{ createTenantBot: Created }>(api, CREATE, { n: name, s: scopes, c }, who.token);
  const audit = async (who: User, action: string) =>
    dataOf(await gql(api, AUDIT, { f: { action } }, who.token)).auditLog.edges.map(
      (e: { node: unknown }) => e.node,
    ) as {
      action: string;
      actorId: string | null;
      targetUserId: string | null;
      conversationId: string | null;
      details: { key: string; value: string | null }[];
    }[];

  it('owners and admins create, list and revoke their own tenant’s bots; others are refused', async () => {
    const {
      id,
      users: [owner, admin, plain],
    } = await tenantWith('Olive', 'Adam', 'Pat');
    await grant(id, owner, 'OWNER');
    await grant(id, admin, 'ADMIN');

    expectCode(await create(plain, 'Nope', ['READ']), 'FORBIDDEN');
    expectCode(await gql(api, LIST, {}, plain.token), 'FORBIDDEN');
    expectCode(await create(owner, 'x', []), 'BAD_USER_INPUT');
    expectCode(await create(owner, '', ['READ']), 'BAD_USER_INPUT');

    const byOwner = dataOf(await create(owner, 'Helpdesk', ['SEND', 'READ'])).createTenantBot;
    expect(byOwner.bot).toMatchObject({ tenantId: id, name: 'Helpdesk', scopes: ['READ', 'SEND'] });
    const byAdmin = dataOf(await create(admin, 'CI ‮ $& bot', ['READ'])).createTenantBot;
    expect(byAdmin.bot.name).toBe('CI ‮ $& bot');

    // The token works, as the bot, badged.
    expect(dataOf(await gql(api, ME, {}, byOwner.token)).me).toEqual({
      id: byOwner.bot.id,
      name: 'Helpdesk',
      isBot: true,
    });
    // A bot token never manages bots.
    expectCode(await create({ ...owner, token: byOwner.token }, 'Child', ['READ']), 'FORBIDDEN');

    const listed = dataOf(await gql(api, LIST, {}, admin.token)).tenantBots as { id: string }[];
    expect(listed.map((b) => b.id)).toEqual([byOwner.bot.id, byAdmin.bot.id]);

    const revoked = dataOf(await gql(api, REVOKE, { id: byOwner.bot.id }, admin.token))
      .revokeTenantBot as { revokedAt: string | null };
    expect(revoked.revokedAt).not.toBeNull();
    expect((await gql(api, ME, {}, byOwner.token)).errors?.[0]?.extensions?.['code']).toMatch(
      /UNAUTHENTICATED|TOKEN_REVOKED/,
    );
    expectCode(await gql(api, REVOKE, { id: byAdmin.bot.id }, plain.token), 'FORBIDDEN');

    // The audit log says who did what.
    const created = await audit(owner, 'BOT_CREATED');
    expect(created.map((e) => [e.actorId, e.targetUserId])).toEqual([
      [admin.id, byAdmin.bot.id],
      [owner.id, byOwner.bot.id],
    ]);
    expect(created[1]!.details).toEqual(
      expect.arrayContaining([
        { key: 'name', value: 'Helpdesk' },
        { key: 'scopes', value: 'READ,SEND' },
        { key: 'conversations', value: 'all' },
      ]),
    );
    expect((await audit(owner, 'BOT_REVOKED')).map((e) => [e.actorId, e.targetUserId])).toEqual([
      [admin.id, byOwner.bot.id],
    ]);
  });

  it('refuses across tenants: another tenant’s admin cannot see or revoke its bots', async () => {
    const a = await tenantWith('Ann');
    const b = await tenantWith('Bea');
    await grant(a.id, a.users[0]!, 'ADMIN');
    await grant(b.id, b.users[0]!, 'OWNER');
    const bot = dataOf(await create(a.users[0]!, 'Tenant A bot', ['READ'])).createTenantBot.bot;
    expect(dataOf(await gql(api, LIST, {}, b.users[0]!.token)).tenantBots).toEqual([]);
    expectCode(await gql(api, REVOKE, { id: bot.id }, b.users[0]!.token), 'NOT_FOUND');
    expect(
      (dataOf(await gql(api, LIST, {}, a.users[0]!.token)).tenantBots as { revokedAt: null }[])[0]!
        .revokedAt,
    ).toBeNull();
  });

  it('records webhook management by a bot in the audit log', async () => {
    const {
      id,
      users: [owner],
    } = await tenantWith('Owen');
    await grant(id, owner, 'OWNER');
    const { bot, token } = dataOf(await create(owner, 'Poster', ['SEND', 'READ'])).createTenantBot;
    const group = dataOf(await gql(api, CREATE_GROUP, { t: 'Ops', m: [bot.id] }, owner.token))
      .createGroup.id as string;
    const hook = dataOf(await gql(api, INCOMING, { c: group }, token)).createIncomingWebhook.webhook
      .id as string;
    dataOf(await gql(api, REVOKE_INCOMING, { id: hook }, token));
    for (const action of ['INCOMING_WEBHOOK_CREATED', 'INCOMING_WEBHOOK_REVOKED']) {
      const entries = await audit(owner, action);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actorId: bot.id, conversationId: group });
      expect(entries[0]!.details).toContainEqual({ key: 'webhookId', value: hook });
    }
  });
});
