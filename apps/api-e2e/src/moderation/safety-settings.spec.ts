import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, dataOf, gql, removeDataDir } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  createTenant,
  expectCode,
  post,
  send,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';

const GRANT =
  'mutation($t:ID!,$u:ID!,$r:TenantRole){ grantTenantRole(tenantId:$t, userId:$u, role:$r){ role } }';
const FIELDS = 'tenantId wordFilterMode filterWords messageRetentionDays channelCreation updatedBy';
const GET = `{ tenantSafetySettings { ${FIELDS} } }`;
const UPDATE = `mutation($i:TenantSafetySettingsInput!){ updateTenantSafetySettings(input:$i){ ${FIELDS} } }`;
const GET_OF = `query($t:ID!){ tenantSafetySettingsOf(tenantId:$t){ ${FIELDS} } }`;
const SET_OF = `mutation($t:ID!,$i:TenantSafetySettingsInput!){ setTenantSafetySettings(tenantId:$t, input:$i){ ${FIELDS} } }`;
const CREATE_CHANNEL = 'mutation($t:String!){ createChannel(input:{title:$t}){ id title } }';
const CREATE_GROUP =
  'mutation($t:String!,$m:[ID!]!){ createGroup(input:{title:$t, memberIds:$m}){ id title } }';
const RENAME =
  'mutation($c:ID!,$t:String!){ updateConversation(input:{conversationId:$c, title:$t}){ title } }';
const JOIN = 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }';
const EDIT = 'mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ body } }';
const AUDIT = `{ auditLog(first: 20, filter:{action:SAFETY_SETTINGS_CHANGED}){ edges { node { action actorId details { key value } } } } }`;

const operator = { 'x-admin-token': ADMIN_TOKEN };

describe('tenant safety settings', () => {
  let api: ApiProcess;
  let tenantA: string, tenantB: string;
  let ownerA: User, adminA: User, memberA: User, ownerB: User, memberB: User;
  let channelB: string;

  const update = (who: User, input: Record<string, unknown>) =>
    gql<{ updateTenantSafetySettings: Record<string, unknown> }>(
      api,
      UPDATE,
      { i: input },
      who.token,
    );

  beforeAll(async () => {
    api = await startMessagingApi();
    tenantA = `safe-a-${process.pid}`;
    tenantB = `safe-b-${process.pid}`;
    const secretA = await createTenant(api, tenantA);
    const secretB = await createTenant(api, tenantB);
    [ownerA, adminA, memberA] = await Promise.all(
      ['Owner A', 'Admin A', 'Member A'].map((n) => appUser(api, n, tenantA, secretA)),
    );
    [ownerB, memberB] = await Promise.all(
      ['Owner B', 'Member B'].map((n) => appUser(api, n, tenantB, secretB)),
    );
    dataOf(await gql(api, GRANT, { t: tenantA, u: ownerA.id, r: 'OWNER' }, undefined, operator));
    dataOf(await gql(api, GRANT, { t: tenantA, u: adminA.id, r: 'ADMIN' }, undefined, operator));
    dataOf(await gql(api, GRANT, { t: tenantB, u: ownerB.id, r: 'OWNER' }, undefined, operator));
  });

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('starts with the defaults, readable by owners and admins only', async () => {
    const settings = dataOf(await gql(api, GET, {}, adminA.token)).tenantSafetySettings;
    expect(settings).toEqual({
      tenantId: tenantA,
      wordFilterMode: 'OFF',
      filterWords: [],
      messageRetentionDays: null,
      channelCreation: 'EVERYONE',
      updatedBy: null,
    });
    expectCode(await gql(api, GET, {}, memberA.token), 'FORBIDDEN');
    expectCode(await update(memberA, { wordFilterMode: 'MASK' }), 'FORBIDDEN');
  });

  it('lets an admin change them; the change is audited and stays in its tenant', async () => {
    const changed = dataOf(
      await update(adminA, {
        wordFilterMode: 'MASK',
        filterWords: ['darn', '  heck  ', 'DARN', 'très mal', '馬鹿'],
        messageRetentionDays: 30,
      }),
    ).updateTenantSafetySettings;
    expect(changed).toMatchObject({
      wordFilterMode: 'MASK',
      filterWords: ['darn', 'heck', 'très mal', '馬鹿'],
      messageRetentionDays: 30,
      channelCreation: 'EVERYONE',
      updatedBy: adminA.id,
    });
    expect(dataOf(await gql(api, GET, {}, ownerA.token)).tenantSafetySettings).toEqual(changed);
    // Tenant B is untouched, and A's owner cannot reach it: the token's tenant is the only one.
    expect(dataOf(await gql(api, GET, {}, ownerB.token)).tenantSafetySettings).toMatchObject({
      tenantId: tenantB,
      wordFilterMode: 'OFF',
      filterWords: [],
    });
    expectCode(await gql(api, GET_OF, { t: tenantB }, ownerA.token), 'FORBIDDEN');
    expectCode(
      await gql(api, SET_OF, { t: tenantB, i: { wordFilterMode: 'BLOCK' } }, ownerA.token),
      'FORBIDDEN',
    );
    const audit = dataOf(await gql(api, AUDIT, {}, ownerA.token)).auditLog.edges as {
      node: { actorId: string; details: { key: string; value: string | null }[] };
    }[];
    expect(audit).toHaveLength(1);
    const details = Object.fromEntries(audit[0]!.node.details.map((d) => [d.key, d.value]));
    expect(audit[0]!.node.actorId).toBe(adminA.id);
    expect(details).toMatchObject({
      wordFilterMode: 'MASK',
      previousWordFilterMode: 'OFF',
      filterWordCount: '4',
      messageRetentionDays: '30',
    });
    // The words themselves are not in the log.
    expect(JSON.stringify(audit)).not.toContain('darn');
  });

  it('refuses bad input with stable codes', async () => {
    expectCode(
      await update(adminA, { filterWords: Array.from({ length: 501 }, (_, i) => `w${i}`) }),
      'BAD_USER_INPUT',
    );
    expectCode(await update(adminA, { filterWords: ['x'.repeat(51)] }), 'BAD_USER_INPUT');
    expectCode(await update(adminA, { filterWords: ['***'] }), 'BAD_USER_INPUT');
    expectCode(await update(adminA, { filterWords: ['a\u0007b'] }), 'BAD_USER_INPUT');
    expectCode(await update(adminA, { messageRetentionDays: -1 }), 'BAD_USER_INPUT');
    expectCode(await update(adminA, { messageRetentionDays: 40_000 }), 'BAD_USER_INPUT');
  });

  it('masks messages, edits and titles in MASK mode, keeping Unicode and $& intact', async () => {
    const channel = dataOf(
      await gql(api, CREATE_CHANNEL, { t: `Darn room ${process.pid}` }, memberA.token),
    ).createChannel;
    expect(channel.title).toBe(`**** room ${process.pid}`);
    const masked = await post(api, memberA, channel.id, 'Oh DÄRN, that is TRÈS  MAL! $& 馬鹿だ 👍🏽');
    expect(masked.body).toBe('Oh ****, that is *********! $& **だ 👍🏽');
    const clean = await post(api, memberA, channel.id, 'darning socks: $& $1 $` fine');
    expect(clean.body).toBe('darning socks: $& $1 $` fine');
    const edited = dataOf(
      await gql(api, EDIT, { id: clean.id, b: 'what the heck' }, memberA.token),
    );
    expect(edited.editMessage.body).toBe('what the ****');
    const group = dataOf(
      await gql(api, CREATE_GROUP, { t: 'heck yes', m: [ownerA.id] }, memberA.token),
    ).createGroup;
    expect(group.title).toBe('**** yes');
    const renamed = dataOf(await gql(api, RENAME, { c: group.id, t: 'Heck no' }, memberA.token));
    expect(renamed.updateConversation.title).toBe('**** no');
  });

  it('refuses with CONTENT_BLOCKED in BLOCK mode, and another tenant is unaffected', async () => {
    dataOf(await update(ownerA, { wordFilterMode: 'BLOCK' }));
    const channel = dataOf(
      await gql(api, CREATE_CHANNEL, { t: `Blocky ${process.pid}` }, adminA.token),
    ).createChannel;
    dataOf(await gql(api, JOIN, { c: channel.id }, memberA.token));
    expectCode(await send(api, memberA, channel.id, 'ｄａｒｎ it'), 'CONTENT_BLOCKED');
    expectCode(await send(api, memberA, channel.id, 'd\u200Barn it'), 'CONTENT_BLOCKED');
    const fine = await post(api, memberA, channel.id, 'darned fine');
    expectCode(await gql(api, EDIT, { id: fine.id, b: 'heck' }, memberA.token), 'CONTENT_BLOCKED');
    expectCode(await gql(api, CREATE_CHANNEL, { t: 'heck' }, memberA.token), 'CONTENT_BLOCKED');
    channelB = dataOf(await gql(api, CREATE_CHANNEL, { t: `B ${process.pid}` }, memberB.token))
      .createChannel.id;
    expect((await post(api, memberB, channelB, 'darn')).body).toBe('darn');
  });

  it('lets only owners and admins create channels when the policy says ADMINS', async () => {
    dataOf(await update(adminA, { channelCreation: 'ADMINS' }));
    expectCode(
      await gql(api, CREATE_CHANNEL, { t: `Nope ${process.pid}` }, memberA.token),
      'FORBIDDEN',
    );
    dataOf(await gql(api, CREATE_CHANNEL, { t: `Admins ${process.pid}` }, adminA.token));
    dataOf(await gql(api, CREATE_CHANNEL, { t: `Owners ${process.pid}` }, ownerA.token));
    // Groups are not channels: still open to everyone.
    dataOf(await gql(api, CREATE_GROUP, { t: 'friends', m: [ownerA.id] }, memberA.token));
    // Tenant B keeps the default.
    dataOf(await gql(api, CREATE_CHANNEL, { t: `Open ${process.pid}` }, memberB.token));
    dataOf(await update(adminA, { channelCreation: 'EVERYONE' }));
    dataOf(await gql(api, CREATE_CHANNEL, { t: `Again ${process.pid}` }, memberA.token));
  });

  it('lets operators read and change any tenant; an operator change is audited without an actor', async () => {
    expectCode(await gql(api, GET_OF, { t: tenantB }), 'FORBIDDEN');
    const set = dataOf(
      await gql(
        api,
        SET_OF,
        { t: tenantB, i: { wordFilterMode: 'BLOCK', filterWords: ['spam'] } },
        undefined,
        operator,
      ),
    ).setTenantSafetySettings;
    expect(set).toMatchObject({
      tenantId: tenantB,
      wordFilterMode: 'BLOCK',
      filterWords: ['spam'],
      updatedBy: null,
    });
    expect(
      dataOf(await gql(api, GET_OF, { t: tenantB }, undefined, operator)).tenantSafetySettingsOf,
    ).toEqual(set);
    expectCode(await gql(api, GET_OF, { t: 'no-such-tenant' }, undefined, operator), 'NOT_FOUND');
    const audit = dataOf(await gql(api, AUDIT, {}, ownerB.token)).auditLog.edges as {
      node: { actorId: string | null };
    }[];
    expect(audit.map((e) => e.node.actorId)).toEqual([null]);
    expectCode(await send(api, memberB, channelB, 'SPAM!'), 'CONTENT_BLOCKED');
  });
});
