import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiProcess,
  appUser,
  Collector,
  gql,
  newTenantSecret,
  ok,
  removeDataDir,
  Session,
  signUp,
  sleep,
  wsClient,
} from '../support';
import { expectCode, expectNoUnexpectedErrors, startBuiltApi } from '../identity/identity-helpers';

/**
 * Finding 2 of the security review: a stranger who picks a user id from a public channel's member
 * list, opens a DM and sends "hi" must learn neither the victim's phone number nor their
 * CONTACTS-only presence. Consent is the target's: it is given by replying, by
 * acceptMessageRequest, or by adding the stranger to one's contacts, and withdrawn by removing
 * them (or blocking).
 */

const USER =
  'query($id:ID!){ user(id:$id){ id phone isContact lastSeenAt presence { status lastSeenAt } } }';
const DM_VIEW =
  'query($c:ID!){ conversation(id:$c){ id isMessageRequest archived otherUser { id phone presence { status lastSeenAt } } members { edges { node { user { id phone } } } } } }';
const OPEN_DM = 'mutation($u:ID!){ openDirectConversation(userId:$u){ id isMessageRequest } }';
const SEND =
  'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ id } }';
const ACCEPT = 'mutation($c:ID!){ acceptMessageRequest(conversationId:$c){ id isMessageRequest } }';
const DECLINE =
  'mutation($c:ID!,$b:Boolean){ declineMessageRequest(conversationId:$c, block:$b){ id isMessageRequest archived } }';
const ADD = 'mutation($p:String!){ addContact(phone:$p){ user { id } } }';
const REMOVE = 'mutation($u:ID!){ removeContact(userId:$u) }';
const PRIVACY =
  'mutation($p:PresencePrivacy!){ updateProfile(input:{presencePrivacy:$p}){ presencePrivacy } }';
const CHANNEL_MEMBERS =
  'query($q:String){ channels(query:$q, first:5){ edges { node { id title members(first:50){ edges { node { user { id name phone } } } } } } } }';

const CHANGES =
  'subscription($s:[ConversationCursorInput!]){ chatEvents(since:$s){ __typename ... on ConversationChanged { conversation { id isMessageRequest otherUser { phone } } } } }';
interface ChangedEvent {
  chatEvents: {
    __typename: string;
    conversation?: {
      id: string;
      isMessageRequest: boolean;
      otherUser: { phone: string | null } | null;
    };
  };
}

const PRESENCE =
  'subscription{ chatEvents { __typename ... on PresenceChanged { user { id presence { status } } } } }';
interface PresenceEvent {
  chatEvents: { __typename: string; user?: { id: string; presence: { status: string } } };
}

interface UserView {
  id: string;
  phone: string | null;
  isContact: boolean;
  lastSeenAt: string | null;
  presence: { status: string; lastSeenAt: string | null };
}

const HIDDEN_PRESENCE = { status: 'OFFLINE', lastSeenAt: null };

describe('a stranger who messages you learns nothing of yours until you consent', () => {
  let api: ApiProcess;
  const sockets: Client[] = [];
  let key = 0;
  const secret = newTenantSecret();

  beforeAll(async () => {
    api = await startBuiltApi({ PRESENCE_TTL_MS: '30000', DEFAULT_TENANT_SECRET: secret });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const online = (who: Session) => {
    const client = wsClient(api, who.accessToken);
    sockets.push(client);
    return client;
  };
  const view = async (viewer: Session, target: Session): Promise<UserView> =>
    (await ok<{ user: UserView }>(api, USER, { id: target.userId }, viewer.accessToken)).user;
  const send = async (from: Session, dm: string, body: string) =>
    ok(api, SEND, { c: dm, k: `k-${++key}`, b: body }, from.accessToken);
  const dmView = async (viewer: Session, dm: string) =>
    (await ok(api, DM_VIEW, { c: dm }, viewer.accessToken)).conversation;

  /** A victim who is online, in a public channel, with presence visible to contacts only. */
  async function victim(
    name: string,
    channelTitle: string,
  ): Promise<{ who: Session; friend: Session }> {
    const who = await signUp(api, name);
    const friend = await signUp(api, `${name}'s friend`);
    await ok(
      api,
      'mutation($t:String!){ createChannel(input:{title:$t}){ id } }',
      { t: channelTitle },
      who.accessToken,
    );
    await ok(api, ADD, { p: friend.phone }, who.accessToken);
    await ok(api, PRIVACY, { p: 'CONTACTS' }, who.accessToken);
    online(who);
    // Positive control: a real contact sees the number and the presence.
    await expect
      .poll(async () => (await view(friend, who)).presence.status, { timeout: 10_000 })
      .toBe('ONLINE');
    expect((await view(friend, who)).phone).toBe(who.phone);
    return { who, friend };
  }

  /** The attack: find the victim in a channel's member list, open a DM, say hi. */
  async function strangerWrites(
    stranger: Session,
    target: Session,
    channelTitle: string,
  ): Promise<string> {
    const channels = (await ok(api, CHANNEL_MEMBERS, { q: channelTitle }, stranger.accessToken))
      .channels.edges;
    const listed = channels
      .flatMap(
        (c: {
          node: { members: { edges: { node: { user: { id: string; phone: string | null } } }[] } };
        }) => c.node.members.edges,
      )
      .map((e: { node: { user: { id: string; phone: string | null } } }) => e.node.user);
    expect(listed).toContainEqual(expect.objectContaining({ id: target.userId, phone: null }));
    const opened = (await ok(api, OPEN_DM, { u: target.userId }, stranger.accessToken))
      .openDirectConversation;
    expect(opened.isMessageRequest).toBe(false); // the opener consented by opening and writing
    await send(stranger, opened.id, 'hi');
    await send(stranger, opened.id, 'are you there?');
    return opened.id as string;
  }

  async function expectNothingRevealed(
    stranger: Session,
    target: Session,
    dm: string,
  ): Promise<void> {
    const seen = await view(stranger, target);
    expect(seen.phone).toBeNull();
    expect(seen.presence).toEqual(HIDDEN_PRESENCE);
    expect(seen.lastSeenAt).toBeNull();
    const inDm = await dmView(stranger, dm);
    expect(inDm.otherUser).toEqual({ id: target.userId, phone: null, presence: HIDDEN_PRESENCE });
    expect(
      inDm.members.edges.map(
        (e: { node: { user: { id: string; phone: string | null } } }) => e.node.user,
      ),
    ).toContainEqual({
      id: target.userId,
      phone: null,
    });
  }

  async function expectRevealed(stranger: Session, target: Session): Promise<void> {
    const seen = await view(stranger, target);
    expect(seen.phone).toBe(target.phone);
    expect(seen.presence.status).toBe('ONLINE');
  }

  it('"hi" to a user found in a channel reveals neither phone nor CONTACTS-only presence; the reply is consent', async () => {
    const { who: alice } = await victim('Alice', 'Knitting');
    const mallory = await signUp(api, 'Mallory');
    const dm = await strangerWrites(mallory, alice, 'Knitting');

    await expectNothingRevealed(mallory, alice, dm);
    // Alice sees the request, and the number its sender chose to share by writing.
    expect((await dmView(alice, dm)).isMessageRequest).toBe(true);
    expect((await dmView(mallory, dm)).isMessageRequest).toBe(false);
    expect((await view(alice, mallory)).phone).toBe(mallory.phone);
    expect((await view(alice, mallory)).isContact).toBe(false);
    expect((await view(mallory, alice)).isContact).toBe(true);
    const aliceContacts = await ok(
      api,
      '{ contacts(first:100){ edges { node { user { id } } } } }',
      {},
      alice.accessToken,
    );
    expect(
      aliceContacts.contacts.edges.map((e: { node: { user: { id: string } } }) => e.node.user.id),
    ).not.toContain(mallory.userId);

    // Writing more, or opening the DM again, changes nothing.
    for (let i = 0; i < 3; i++) await send(mallory, dm, `hello ${i}`);
    await ok(api, OPEN_DM, { u: alice.userId }, mallory.accessToken);
    await expectNothingRevealed(mallory, alice, dm);

    // Alice replies: that is her consent.
    await send(alice, dm, 'hi, who is this?');
    await expectRevealed(mallory, alice);
    expect((await dmView(alice, dm)).isMessageRequest).toBe(false);
    expect((await view(alice, mallory)).isContact).toBe(true);

    // Removing the contact withdraws it; the DM itself is then a request again.
    expect((await ok(api, REMOVE, { u: mallory.userId }, alice.accessToken)).removeContact).toBe(
      true,
    );
    await expectNothingRevealed(mallory, alice, dm);
    expect((await dmView(alice, dm)).isMessageRequest).toBe(true);
  });

  it('the stranger’s live stream carries no CONTACTS-only presence of the victim; a contact’s does', async () => {
    const hana = await signUp(api, 'Hana');
    const friend = await signUp(api, 'Hana’s friend');
    const stranger = await signUp(api, 'Lurker');
    await ok(api, ADD, { p: friend.phone }, hana.accessToken);
    await ok(api, ADD, { p: hana.phone }, friend.accessToken); // so the friend's stream watches her
    await ok(api, PRIVACY, { p: 'CONTACTS' }, hana.accessToken);
    const dm = (await ok(api, OPEN_DM, { u: hana.userId }, stranger.accessToken))
      .openDirectConversation.id;
    await send(stranger, dm, 'hi');
    // The stranger now has Hana in their contacts and shares a DM with her: both make their
    // stream watch her presence; her privacy must still keep it from them.
    const lurking = new Collector<PresenceEvent>(online(stranger), PRESENCE, {});
    const watching = new Collector<PresenceEvent>(online(friend), PRESENCE, {});
    await sleep(300);
    const hanaSocket = wsClient(api, hana.accessToken);
    const seen = (items: PresenceEvent[]) =>
      items
        .filter((i) => i.chatEvents.user?.id === hana.userId)
        .map((i) => i.chatEvents.user!.presence.status);
    await watching.until(
      (items) => seen(items).includes('ONLINE'),
      10_000,
      'the friend sees Hana online',
    );
    await hanaSocket.dispose();
    await watching.until(
      (items) => seen(items).includes('OFFLINE'),
      10_000,
      'the friend sees Hana go offline',
    );
    await sleep(500);
    expect(seen(lurking.items)).toEqual([]);
    lurking.stop();
    watching.stop();
  });

  it('acceptMessageRequest and addContact are consent; declining (and blocking) is not', async () => {
    const { who: bob } = await victim('Bob', 'Birding');
    const { who: carol } = await victim('Carol', 'Chess');
    const { who: dave } = await victim('Dave', 'Diving');
    const [s1, s2, s3] = [
      await signUp(api, 'Stranger One'),
      await signUp(api, 'Stranger Two'),
      await signUp(api, 'Stranger Three'),
    ];

    const dmBob = await strangerWrites(s1, bob, 'Birding');
    await expectNothingRevealed(s1, bob, dmBob);
    // Both clients learn live that the conversation, as each sees it, changed.
    const bobLive = new Collector<ChangedEvent>(online(bob), CHANGES, {
      s: [{ conversationId: dmBob, afterSeq: 2 }],
    });
    const s1Live = new Collector<ChangedEvent>(online(s1), CHANGES, {
      s: [{ conversationId: dmBob, afterSeq: 2 }],
    });
    await sleep(300);
    const accepted = await gql(api, ACCEPT, { c: dmBob }, bob.accessToken);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.acceptMessageRequest).toEqual({ id: dmBob, isMessageRequest: false });
    await expectRevealed(s1, bob);
    const changed = (items: ChangedEvent[]) =>
      items.map((i) => i.chatEvents.conversation).filter((c) => c?.id === dmBob);
    await bobLive.until(
      (items) => changed(items).some((c) => c!.isMessageRequest === false),
      10_000,
      'Bob’s ConversationChanged',
    );
    await s1Live.until(
      (items) => changed(items).some((c) => c!.otherUser?.phone === bob.phone),
      10_000,
      'the sender’s ConversationChanged',
    );
    bobLive.stop();
    s1Live.stop();
    // Accepting twice is harmless; the sender cannot accept for the victim.
    expect(
      (await ok(api, ACCEPT, { c: dmBob }, bob.accessToken)).acceptMessageRequest.isMessageRequest,
    ).toBe(false);

    const dmCarol = await strangerWrites(s2, carol, 'Chess');
    await expectNothingRevealed(s2, carol, dmCarol);
    // The sender shared their number by writing, so Carol can add them by it.
    const number = (await view(carol, s2)).phone;
    expect(number).toBe(s2.phone);
    await ok(api, ADD, { p: number }, carol.accessToken);
    await expectRevealed(s2, carol);
    expect((await dmView(carol, dmCarol)).isMessageRequest).toBe(false);

    const dmDave = await strangerWrites(s3, dave, 'Diving');
    const declined = await gql(api, DECLINE, { c: dmDave, b: false }, dave.accessToken);
    expect(declined.data?.declineMessageRequest).toEqual({
      id: dmDave,
      isMessageRequest: true,
      archived: true,
    });
    await expectNothingRevealed(s3, dave, dmDave);
    expect((await dmView(s3, dmDave)).archived).toBe(false); // the sender is not told
    await send(s3, dmDave, 'please?');
    await expectNothingRevealed(s3, dave, dmDave);
    const blocked = await gql(api, DECLINE, { c: dmDave, b: true }, dave.accessToken);
    expect(blocked.errors).toBeUndefined();
    expect((await ok(api, '{ blockedUsers { id } }', {}, dave.accessToken)).blockedUsers).toEqual([
      { id: s3.userId },
    ]);
    expectCode(
      await gql(api, SEND, { c: dmDave, k: `k-${++key}`, b: 'let me in' }, s3.accessToken),
      'BLOCKED',
    );
    await expectNothingRevealed(s3, dave, dmDave);
    // Accepting while the sender is blocked is refused; nothing changes.
    expectCode(await gql(api, ACCEPT, { c: dmDave }, dave.accessToken), 'BLOCKED');
    await expectNothingRevealed(s3, dave, dmDave);
  });

  it('refuses message-request operations outside direct conversations, for non-members, and declines of non-requests', async () => {
    const [erin, frank, grace] = [
      await signUp(api, 'Erin'),
      await signUp(api, 'Frank'),
      await signUp(api, 'Grace'),
    ];
    const dm = (await ok(api, OPEN_DM, { u: frank.userId }, erin.accessToken))
      .openDirectConversation.id;
    await send(erin, dm, 'hello Frank');
    const group = (
      await ok(
        api,
        'mutation($m:[ID!]!){ createGroup(input:{title:"G", memberIds:$m}){ id } }',
        { m: [frank.userId] },
        erin.accessToken,
      )
    ).createGroup.id;
    expectCode(
      await gql(api, ACCEPT, { c: group }, frank.accessToken),
      'BAD_USER_INPUT',
      'conversationId',
    );
    expectCode(
      await gql(api, DECLINE, { c: group }, frank.accessToken),
      'BAD_USER_INPUT',
      'conversationId',
    );
    // Erin opened it: for her it is no request, there is nothing to decline.
    expectCode(
      await gql(api, DECLINE, { c: dm }, erin.accessToken),
      'BAD_USER_INPUT',
      'conversationId',
    );
    for (const c of [dm, '6f1f7a7e-2b8c-4d2e-9a51-3c0e4b1d9f00', 'garbage']) {
      expectCode(await gql(api, ACCEPT, { c }, grace.accessToken), 'NOT_FOUND');
      expectCode(await gql(api, DECLINE, { c }, grace.accessToken), 'NOT_FOUND');
    }
    expectCode(await gql(api, ACCEPT, { c: dm }), 'UNAUTHENTICATED');
    expect((await view(erin, frank)).phone).toBeNull();
  });

  it('rate limits starting direct conversations with new people; reopening an existing one is not counted', async () => {
    const spammer = await appUser(api, 'Spammer', secret);
    const targets = await Promise.all(
      Array.from({ length: 21 }, (_, i) => appUser(api, `Target ${i}`, secret)),
    );
    const answers = [];
    for (const t of targets)
      answers.push(await gql(api, OPEN_DM, { u: t.userId }, spammer.accessToken));
    expect(answers.slice(0, 20).every((a) => a.errors === undefined)).toBe(true);
    expectCode(answers[20]!, 'RATE_LIMITED');
    expect(answers[20]!.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // The same DM again is fine; the refused one was not created.
    expect(
      (await gql(api, OPEN_DM, { u: targets[0]!.userId }, spammer.accessToken)).data
        ?.openDirectConversation.id,
    ).toBe(answers[0]!.data?.openDirectConversation.id);
    const convs = await ok(
      api,
      '{ conversations(first:50){ edges { node { id } } } }',
      {},
      targets[20]!.accessToken,
    );
    expect(convs.conversations.edges).toEqual([]);
  });
});
