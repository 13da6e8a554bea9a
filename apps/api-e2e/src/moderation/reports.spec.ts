import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, removeDataDir, dataOf } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  createGroup,
  createTenant,
  expectCode,
  post,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';

const GRANT =
  'mutation($t:ID!,$u:ID!,$r:TenantRole){ grantTenantRole(tenantId:$t, userId:$u, role:$r){ role } }';
const REASONS = '{ reportReasons }';
const REPORT =
  'mutation($i:ReportInput!){ report(input:$i){ id targetUserId messageId conversationId reason note status outcome } }';
const MINE = '{ myReports { id status outcome reason } }';
const QUEUE =
  '{ reportQueue { targetUserId target { id name } reports { id reason reporterId message { id body } } } }';
const ACT = 'mutation($i:ActOnReportsInput!){ actOnReports(input:$i){ id status outcome } }';
const ME = '{ me { id } }';
const CREATE_CHANNEL = 'mutation($t:String!){ createChannel(input:{title:$t}){ id } }';
const JOIN = 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }';
const SET_ROLE =
  'mutation($c:ID!,$u:ID!,$r:MemberRole!){ setMemberRole(conversationId:$c, userId:$u, role:$r){ id } }';
const MESSAGES =
  'query($c:ID!){ messages(conversationId:$c, last: 50){ edges { node { id body } } } }';

describe('reports: from users to the moderators, and the outcome back', () => {
  let api: ApiProcess;
  let counter = 0;

  beforeAll(async () => {
    api = await startMessagingApi({ REPORT_REASONS: 'spam,abuse,off-topic' });
  });
  afterAll(async () => {
    await api?.stop();
    removeDataDir(api);
  });

  async function community(...names: string[]) {
    const id = `rep-${process.pid}-${++counter}`;
    const secret = await createTenant(api, id);
    const users: User[] = [];
    for (const name of names) users.push(await appUser(api, name, id, secret));
    dataOf(
      await gql(api, GRANT, { t: id, u: users[0]!.id, r: 'ADMIN' }, undefined, {
        'x-admin-token': ADMIN_TOKEN,
      }),
    );
    return { id, users };
  }

  it('offers the configured reasons and refuses any other; a report names a message or a user', async () => {
    const {
      users: [, alice, troll],
    } = await community('Admin', 'Alice', 'Troll');
    expect(dataOf(await gql(api, REASONS, {}, alice.token)).reportReasons).toEqual([
      'spam',
      'abuse',
      'off-topic',
    ]);
    const channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Talk' }, alice.token)).createChannel
      .id;
    dataOf(await gql(api, JOIN, { c: channel }, troll.token));
    const bad = await post(api, troll, channel, 'you are all fools');
    expectCode(
      await gql(api, REPORT, { i: { messageId: bad.id, reason: 'rude' } }, alice.token),
      'BAD_USER_INPUT',
    );
    expectCode(await gql(api, REPORT, { i: { reason: 'spam' } }, alice.token), 'BAD_USER_INPUT');
    expectCode(
      await gql(
        api,
        REPORT,
        { i: { messageId: bad.id, userId: troll.id, reason: 'spam' } },
        alice.token,
      ),
      'BAD_USER_INPUT',
    );
    expectCode(
      await gql(api, REPORT, { i: { messageId: bad.id, reason: 'spam' } }, troll.token),
      'BAD_USER_INPUT',
    );
    expectCode(
      await gql(api, REPORT, { i: { userId: alice.id, reason: 'spam' } }, alice.token),
      'BAD_USER_INPUT',
    );
    expectCode(
      await gql(
        api,
        REPORT,
        { i: { messageId: bad.id, reason: 'abuse', note: 'x'.repeat(501) } },
        alice.token,
      ),
      'BAD_USER_INPUT',
    );
    const report = dataOf(
      await gql(
        api,
        REPORT,
        { i: { messageId: bad.id, reason: 'abuse', note: 'insults' } },
        alice.token,
      ),
    ).report;
    expect(report).toMatchObject({
      targetUserId: troll.id,
      messageId: bad.id,
      conversationId: channel,
      reason: 'abuse',
      note: 'insults',
      status: 'OPEN',
      outcome: null,
    });
    // A message of a group you are not in cannot be reported (nor learned about).
    const group = await createGroup(api, troll, [], 'Private');
    const hidden = await post(api, troll, group, 'secret');
    expectCode(
      await gql(api, REPORT, { i: { messageId: hidden.id, reason: 'spam' } }, alice.token),
      'NOT_FOUND',
    );
  });

  it('queues reports by reported user for tenant admins and channel moderators only; ban resolves them and tells the reporters', async () => {
    const {
      users: [admin, alice, bob, spammer, mod, other],
    } = await community('Admin', 'Alice', 'Bob', 'Spammer', 'Mod', 'Other');
    const channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Lobby' }, alice.token))
      .createChannel.id;
    for (const u of [bob, spammer, mod, other])
      dataOf(await gql(api, JOIN, { c: channel }, u.token));
    dataOf(await gql(api, SET_ROLE, { c: channel, u: mod.id, r: 'MODERATOR' }, alice.token));
    const spam1 = await post(api, spammer, channel, 'buy watches');
    const spam2 = await post(api, spammer, channel, 'buy more watches');
    const rude = await post(api, other, channel, 'meh');
    dataOf(await gql(api, REPORT, { i: { messageId: spam1.id, reason: 'spam' } }, alice.token));
    dataOf(await gql(api, REPORT, { i: { messageId: spam2.id, reason: 'spam' } }, bob.token));
    dataOf(await gql(api, REPORT, { i: { userId: spammer.id, reason: 'spam' } }, bob.token));
    dataOf(await gql(api, REPORT, { i: { messageId: rude.id, reason: 'off-topic' } }, alice.token));

    const queue = dataOf(await gql(api, QUEUE, {}, admin.token)).reportQueue;
    expect(
      queue.map((g: { targetUserId: string; reports: unknown[] }) => [
        g.targetUserId,
        g.reports.length,
      ]),
    ).toEqual([
      [spammer.id, 3],
      [other.id, 1],
    ]);
    expect(queue[0].target).toEqual({ id: spammer.id, name: 'Spammer' });
    expect(queue[0].reports[0].message).toEqual({ id: spam1.id, body: 'buy watches' });
    // The channel's moderator sees the reports on its messages, not the report of the user.
    const modQueue = dataOf(await gql(api, QUEUE, {}, mod.token)).reportQueue;
    expect(
      modQueue.map((g: { targetUserId: string; reports: unknown[] }) => [
        g.targetUserId,
        g.reports.length,
      ]),
    ).toEqual([
      [spammer.id, 2],
      [other.id, 1],
    ]);
    expect(dataOf(await gql(api, QUEUE, {}, bob.token)).reportQueue).toEqual([]);
    // Members cannot act; a moderator may delete, not ban.
    expectCode(
      await gql(api, ACT, { i: { userId: spammer.id, action: 'DISMISS' } }, bob.token),
      'NOT_FOUND',
    );
    expectCode(
      await gql(api, ACT, { i: { userId: spammer.id, action: 'BAN' } }, mod.token),
      'FORBIDDEN',
    );
    const dismissed = dataOf(
      await gql(api, ACT, { i: { userId: other.id, action: 'DISMISS' } }, mod.token),
    ).actOnReports;
    expect(dismissed).toEqual([
      expect.objectContaining({ status: 'RESOLVED', outcome: 'DISMISSED' }),
    ]);

    const banned = dataOf(
      await gql(
        api,
        ACT,
        { i: { userId: spammer.id, action: 'BAN', reason: 'spam', removeMessages: true } },
        admin.token,
      ),
    ).actOnReports;
    expect(banned).toHaveLength(3);
    expect(banned.every((r: { outcome: string }) => r.outcome === 'USER_BANNED')).toBe(true);
    expectCode(await gql(api, ME, {}, spammer.token), 'ACCOUNT_BANNED');
    const bodies = dataOf(await gql(api, MESSAGES, { c: channel }, alice.token)).messages.edges.map(
      (e: { node: { id: string; body: string | null } }) => [e.node.id, e.node.body],
    );
    expect(bodies).toEqual(
      expect.arrayContaining([
        [spam1.id, null],
        [spam2.id, null],
        [rude.id, 'meh'],
      ]),
    );
    // The reporters are told what happened.
    expect(
      dataOf(await gql(api, MINE, {}, bob.token)).myReports.map(
        (r: { outcome: string }) => r.outcome,
      ),
    ).toEqual(['USER_BANNED', 'USER_BANNED']);
    expect(
      dataOf(await gql(api, MINE, {}, alice.token))
        .myReports.map((r: { outcome: string }) => r.outcome)
        .sort(),
    ).toEqual(['DISMISSED', 'USER_BANNED']);
    expect(dataOf(await gql(api, QUEUE, {}, admin.token)).reportQueue).toEqual([]);
  });

  it('a moderator deletes the reported messages; the reporter sees MESSAGE_DELETED', async () => {
    const {
      users: [, alice, poster, mod],
    } = await community('Admin', 'Alice', 'Poster', 'Mod');
    const channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Quiet' }, alice.token))
      .createChannel.id;
    for (const u of [poster, mod]) dataOf(await gql(api, JOIN, { c: channel }, u.token));
    dataOf(await gql(api, SET_ROLE, { c: channel, u: mod.id, r: 'MODERATOR' }, alice.token));
    const msg = await post(api, poster, channel, 'shouting');
    dataOf(await gql(api, REPORT, { i: { messageId: msg.id, reason: 'abuse' } }, alice.token));
    const done = dataOf(
      await gql(api, ACT, { i: { userId: poster.id, action: 'DELETE' } }, mod.token),
    ).actOnReports;
    expect(done).toEqual([expect.objectContaining({ outcome: 'MESSAGE_DELETED' })]);
    const bodies = dataOf(await gql(api, MESSAGES, { c: channel }, alice.token)).messages.edges.map(
      (e: { node: { id: string; body: string | null } }) => e.node.body,
    );
    expect(bodies).not.toContain('shouting');
    expect(dataOf(await gql(api, MINE, {}, alice.token)).myReports[0].outcome).toBe(
      'MESSAGE_DELETED',
    );
    expect((await gql(api, ME, {}, poster.token)).data?.me?.id).toBe(poster.id);
  });
});
