import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'graphql-ws';
import { ApiProcess, Collector, gql, ok, wsClient } from '../support';
import {
  allMessages,
  appUser,
  createGroup,
  expectCode,
  openDm,
  post,
  startMessagingApi,
  User,
} from './messaging-helpers';

const SET =
  'mutation($c:ID!,$s:Int!){ updateConversation(input:{conversationId:$c, disappearAfterSeconds:$s}){ id disappearAfterSeconds } }';
const NOTICES =
  'query($c:ID!){ conversationNotices(conversationId:$c, first:50){ notices { kind disappearAfterSeconds actor { id } } } }';
const SEARCH = 'query($q:String!){ searchMessages(query:$q){ edges { node { id } } } }';
const EVENTS =
  'subscription($s:[ConversationCursorInput!]){ chatEvents(since:$s){ __typename ... on MessageAdded { seq message { id expiresAt } } ... on MessagesExpired { conversationId messageIds fromSeq toSeq } } }';

type Ev = {
  chatEvents: {
    __typename: string;
    seq?: number;
    message?: { id: string; expiresAt: string | null };
    conversationId?: string;
    messageIds?: string[];
    fromSeq?: number;
    toSeq?: number;
  };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hits = async (api: ApiProcess, who: User, q: string) =>
  (
    await ok<{ searchMessages: { edges: { node: { id: string } }[] } }>(
      api,
      SEARCH,
      { q },
      who.token,
    )
  ).searchMessages.edges.map((e) => e.node.id);

describe('disappearing messages', () => {
  let api: ApiProcess;
  let quiet: ApiProcess;
  const clients: Client[] = [];

  beforeAll(async () => {
    [api, quiet] = await Promise.all([
      startMessagingApi({ DISAPPEARING_TIMERS_SECONDS: '2,3600', SCHEDULER_INTERVAL_MS: '200' }),
      // The sweeper runs at start and then only every minute: reads must leave expired messages
      // out on their own.
      startMessagingApi({ DISAPPEARING_TIMERS_SECONDS: '2', SCHEDULER_INTERVAL_MS: '60000' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await Promise.all([api?.stop(), quiet?.stop()]);
  });

  it('is set by conversation admins (either member of a direct chat) to an offered timer, as a timeline line', async () => {
    const [ada, bob] = [await appUser(api, 'Ada'), await appUser(api, 'Bob')];
    const group = await createGroup(api, ada, [bob], 'Timers');
    expect((await ok(api, '{ disappearingTimers }', {}, ada.token)).disappearingTimers).toEqual([
      2, 3600,
    ]);
    expectCode(await gql(api, SET, { c: group, s: 3600 }, bob.token), 'FORBIDDEN');
    expectCode(
      await gql(api, SET, { c: group, s: 5 }, ada.token),
      'BAD_USER_INPUT',
      'disappearAfterSeconds',
    );
    expectCode(
      await gql(api, SET, { c: group, s: -1 }, ada.token),
      'BAD_USER_INPUT',
      'disappearAfterSeconds',
    );
    const stranger = await appUser(api, 'Stranger');
    expectCode(await gql(api, SET, { c: group, s: 3600 }, stranger.token), 'NOT_FOUND');
    expect((await ok(api, SET, { c: group, s: 3600 }, ada.token)).updateConversation).toEqual({
      id: group,
      disappearAfterSeconds: 3600,
    });
    expect(
      (await ok(api, SET, { c: group, s: 0 }, ada.token)).updateConversation.disappearAfterSeconds,
    ).toBeNull();
    const notices = (await ok(api, NOTICES, { c: group }, bob.token)).conversationNotices
      .notices as {
      kind: string;
      disappearAfterSeconds: number | null;
      actor: { id: string } | null;
    }[];
    expect(notices.filter((n) => n.kind === 'DISAPPEARING_CHANGED')).toEqual([
      { kind: 'DISAPPEARING_CHANGED', disappearAfterSeconds: 3600, actor: { id: ada.id } },
      { kind: 'DISAPPEARING_CHANGED', disappearAfterSeconds: 0, actor: { id: ada.id } },
    ]);
    const dm = await openDm(api, ada, bob);
    await post(api, ada, dm, 'hi');
    expect(
      (await ok(api, SET, { c: dm, s: 3600 }, bob.token)).updateConversation.disappearAfterSeconds,
    ).toBe(3600);
  });

  it('removes messages sent while it is on from history, search and resume, with a live MessagesExpired', async () => {
    const [ada, bob] = [await appUser(api, 'Ada'), await appUser(api, 'Bob')];
    const group = await createGroup(api, ada, [bob], 'Vanishing');
    const word = `vanishword${Date.now().toString(36)}`;
    const stays = await post(api, ada, group, `${word} stays`);
    const client = wsClient(api, bob.token);
    clients.push(client);
    const live = new Collector<Ev>(client, EVENTS, { s: [{ conversationId: group, afterSeq: 0 }] });
    await sleep(300);
    await ok(api, SET, { c: group, s: 2 }, ada.token);
    const before = Date.now();
    const gone = await post(api, ada, group, `${word} goes`);
    const history = await allMessages(api, bob, group);
    const sent = history.find((m) => m.id === gone.id) as unknown as { expiresAt?: string };
    expect(sent).toBeDefined();
    const detail = await ok(
      api,
      'query($c:ID!){ messages(conversationId:$c, last:5){ edges { node { id expiresAt } } } }',
      { c: group },
      bob.token,
    );
    const edges = detail.messages.edges as { node: { id: string; expiresAt: string | null } }[];
    const expiresAt = Date.parse(edges.find((e) => e.node.id === gone.id)!.node.expiresAt!);
    expect(expiresAt - before).toBeGreaterThanOrEqual(1_000);
    expect(expiresAt - before).toBeLessThan(4_000);
    expect(edges.find((e) => e.node.id === stays.id)!.node.expiresAt).toBeNull();
    expect((await hits(api, bob, word)).sort()).toEqual([stays.id, gone.id].sort());

    const until = Date.now() + 10_000;
    while (
      !live.items.some((i) => i.chatEvents.__typename === 'MessagesExpired') &&
      Date.now() < until
    )
      await sleep(100);
    const expired = live.items.find(
      (i) => i.chatEvents.__typename === 'MessagesExpired',
    )!.chatEvents;
    expect(expired).toMatchObject({
      conversationId: group,
      messageIds: [gone.id],
      fromSeq: gone.seq,
      toSeq: gone.seq,
    });
    expect((await allMessages(api, bob, group)).map((m) => m.id)).toEqual([stays.id]);
    expect(await hits(api, bob, word)).toEqual([stays.id]);

    // A client resuming from the start gets the message that stayed, not the one that went.
    const again = wsClient(api, bob.token);
    clients.push(again);
    const resumed = new Collector<Ev>(again, EVENTS, {
      s: [{ conversationId: group, afterSeq: 0 }],
    });
    await sleep(800);
    const replayed = resumed.items.flatMap((i) =>
      i.chatEvents.message ? [i.chatEvents.message.id] : [],
    );
    expect(replayed).toEqual([stays.id]);
  });

  it('leaves expired messages out of every read before the sweeper has run', async () => {
    const [ada, bob] = [await appUser(quiet, 'Ada'), await appUser(quiet, 'Bob')];
    const group = await createGroup(quiet, ada, [bob], 'Quiet');
    const word = `quietword${Date.now().toString(36)}`;
    await ok(quiet, SET, { c: group, s: 2 }, ada.token);
    const gone = await post(quiet, ada, group, `${word} soon gone`);
    expect(await hits(quiet, bob, word)).toEqual([gone.id]);
    await sleep(2_500);
    expect(await allMessages(quiet, bob, group)).toEqual([]);
    expect(await hits(quiet, bob, word)).toEqual([]);
    const client = wsClient(quiet, bob.token);
    clients.push(client);
    const resumed = new Collector<Ev>(client, EVENTS, {
      s: [{ conversationId: group, afterSeq: 0 }],
    });
    await sleep(800);
    expect(resumed.items.filter((i) => i.chatEvents.__typename === 'MessageAdded')).toEqual([]);
  });
});
