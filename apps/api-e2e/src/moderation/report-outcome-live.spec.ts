import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, dataOf, gql, removeDataDir, sleep, wsClient } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  createTenant,
  post,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';

const GRANT =
  'mutation($t:ID!,$u:ID!){ grantTenantRole(tenantId:$t, userId:$u, role:ADMIN){ role } }';
const CREATE_CHANNEL = 'mutation($t:String!){ createChannel(input:{title:$t}){ id } }';
const JOIN = 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }';
const REPORT = 'mutation($i:ReportInput!){ report(input:$i){ id } }';
const ACT = 'mutation($i:ActOnReportsInput!){ actOnReports(input:$i){ id status outcome } }';
const EVENTS = `subscription{ chatEvents { __typename
  ... on ReportResolved { report { id status outcome reason messageId resolvedAt reporter { id } } } } }`;

type Item = {
  chatEvents: {
    __typename: string;
    report?: { id: string; status: string; outcome: string; reporter: { id: string } };
  };
};

describe('reports: the reporter is told the outcome live', () => {
  let api: ApiProcess;
  let admin: User, alice: User, bob: User, troll: User;
  let channel: string;

  beforeAll(async () => {
    api = await startMessagingApi();
    const tenant = `live-rep-${process.pid}`;
    const secret = await createTenant(api, tenant);
    [admin, alice, bob, troll] = await Promise.all(
      ['Admin', 'Alice', 'Bob', 'Troll'].map((n) => appUser(api, n, tenant, secret)),
    );
    dataOf(
      await gql(api, GRANT, { t: tenant, u: admin.id }, undefined, {
        'x-admin-token': ADMIN_TOKEN,
      }),
    );
    channel = dataOf(await gql(api, CREATE_CHANNEL, { t: 'Square' }, alice.token)).createChannel.id;
    for (const u of [bob, troll]) dataOf(await gql(api, JOIN, { c: channel }, u.token));
  });

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('sends ReportResolved with the outcome to each reporter only', async () => {
    const bad = await post(api, troll, channel, 'rude words');
    const fromAlice = dataOf(
      await gql(api, REPORT, { i: { messageId: bad.id, reason: 'spam' } }, alice.token),
    ).report.id;
    const fromBob = dataOf(
      await gql(api, REPORT, { i: { userId: troll.id, reason: 'spam' } }, bob.token),
    ).report.id;

    const sockets = [alice, bob, troll].map((u) => wsClient(api, u.token));
    const [a, b, t] = sockets.map((s) => new Collector<Item>(s, EVENTS));
    await sleep(300); // subscribed before the action

    const resolved = dataOf(
      await gql(api, ACT, { i: { userId: troll.id, action: 'DELETE' } }, admin.token),
    ).actOnReports;
    expect(resolved.map((r: { id: string }) => r.id).sort()).toEqual([fromAlice, fromBob].sort());

    const outcome = (c: Collector<Item>) =>
      c.items
        .filter((i) => i.chatEvents.__typename === 'ReportResolved')
        .map((i) => i.chatEvents.report!);
    await a.until(() => outcome(a).length > 0, 10_000, "Alice's outcome");
    await b.until(() => outcome(b).length > 0, 10_000, "Bob's outcome");
    expect(outcome(a)).toEqual([
      expect.objectContaining({
        id: fromAlice,
        status: 'RESOLVED',
        outcome: 'MESSAGE_DELETED',
        reporter: { id: alice.id },
      }),
    ]);
    expect(outcome(b)).toEqual([
      expect.objectContaining({
        id: fromBob,
        status: 'RESOLVED',
        outcome: 'MESSAGE_DELETED',
        reporter: { id: bob.id },
      }),
    ]);
    await sleep(300);
    expect(outcome(t)).toEqual([]);
    for (const c of [a, b, t]) c.stop();
    for (const s of sockets) await s.dispose();
  });
});
