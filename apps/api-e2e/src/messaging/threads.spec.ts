import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, gql, ok, removeDataDir, wsClient } from '../support';
import {
  appUser,
  createGroup,
  expectCode,
  expectNoUnexpectedErrors,
  newClientId,
  openDm,
  startMessagingApi,
  User,
} from './messaging-helpers';

const FIELDS = `id seq body threadRootId forwarded starredByMe
  thread { rootId replyCount lastReplyAt following unreadCount participants { id } }`;
const SEND = `mutation($c:ID!,$k:String!,$b:String!,$r:ID){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b, threadRootId:$r}){ ${FIELDS} } }`;
const REPLIES = `query($r:ID!,$first:Int,$after:Int,$last:Int,$before:Int){ threadReplies(rootId:$r, first:$first, after:$after, last:$last, before:$before){ edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage hasPreviousPage } } }`;
const TIMELINE = `query($c:ID!){ messages(conversationId:$c, last:50){ edges { node { ${FIELDS} } } } }`;
const ROOT = `query($c:ID!){ messages(conversationId:$c, first:1){ edges { node { ${FIELDS} } } } }`;
const CONV = 'query($c:ID!){ conversation(id:$c){ unreadCount lastMessage { id } } }';
const FOLLOWED = `query($first:Int,$after:String){ followedThreads(first:$first, after:$after){ edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage } } }`;
const STARRED = `query($first:Int,$after:String){ starredMessages(first:$first, after:$after){ edges { cursor node { ${FIELDS} conversationId } } pageInfo { hasNextPage } } }`;
const FORWARD = `mutation($m:ID!,$c:ID!,$k:String!){ forwardMessage(input:{messageId:$m, conversationId:$c, clientMessageId:$k}){ ${FIELDS} conversationId sender { id } } }`;

interface Thread {
  rootId: string;
  replyCount: number;
  lastReplyAt: string | null;
  following: boolean;
  unreadCount: number;
  participants: { id: string }[];
}
interface M {
  id: string;
  seq: number;
  body: string | null;
  threadRootId: string | null;
  forwarded: boolean;
  starredByMe: boolean;
  thread: Thread | null;
  conversationId?: string;
  sender?: { id: string };
}

describe('threads, forwarding and starred messages', () => {
  let api: ApiProcess;
  let ada: User;
  let bob: User;
  let cy: User;
  let eve: User;

  beforeAll(async () => {
    api = await startMessagingApi({ REPLAY_LIMIT: '50' });
    [ada, bob, cy, eve] = await Promise.all(
      ['Ada', 'Bob', 'Cy', 'Eve'].map((n) => appUser(api, n)),
    );
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const send = async (who: User, c: string, body: string, root?: string) =>
    (
      await ok<{ sendMessage: M }>(
        api,
        SEND,
        { c, k: newClientId(), b: body, r: root ?? null },
        who.token,
      )
    ).sendMessage;
  const replies = async (who: User, r: string, args: Record<string, number> = {}) =>
    (
      await ok<{
        threadReplies: {
          edges: { cursor: string; node: M }[];
          pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean };
        };
      }>(api, REPLIES, { r, ...args }, who.token)
    ).threadReplies;
  const timeline = async (who: User, c: string) =>
    (
      await ok<{ messages: { edges: { node: M }[] } }>(api, TIMELINE, { c }, who.token)
    ).messages.edges.map((e) => e.node);
  const rootAs = async (who: User, c: string) =>
    (await ok<{ messages: { edges: { node: M }[] } }>(api, ROOT, { c }, who.token)).messages
      .edges[0]!.node;
  const mutate = (who: User, query: string, variables: Record<string, unknown>) =>
    gql(api, query, variables, who.token);

  it('replies in a thread stay out of the timeline; the root carries the summary; pages by seq', async () => {
    const g = await createGroup(api, ada, [bob, cy], 'Threads');
    const root = await send(ada, g, 'root: lunch?');
    expect(root.thread).toMatchObject({ rootId: root.id, replyCount: 0, lastReplyAt: null });
    const r1 = await send(bob, g, 'yes', root.id);
    const r2 = await send(cy, g, 'me too 🍜 $& \u202e', root.id);
    const r3 = await send(bob, g, 'at noon', root.id);
    expect(r1).toMatchObject({ threadRootId: root.id, thread: null, forwarded: false });
    expect(r2.body).toBe('me too 🍜 $& \u202e');
    const after = await send(ada, g, 'timeline again');

    // Main timeline: root and the later message only.
    expect((await timeline(bob, g)).map((m) => m.id)).toEqual([root.id, after.id]);
    const conv = await ok<{ conversation: { unreadCount: number; lastMessage: { id: string } } }>(
      api,
      CONV,
      { c: g },
      ada.token,
    );
    expect(conv.conversation).toEqual({ unreadCount: 0, lastMessage: { id: after.id } });

    const seen = await rootAs(ada, g);
    expect(seen.thread).toMatchObject({
      replyCount: 3,
      participants: [{ id: bob.id }, { id: cy.id }],
      following: true, // the root's author follows once someone replies
      unreadCount: 3,
    });
    expect(seen.thread!.lastReplyAt).not.toBeNull();
    // Repliers follow, with everything up to their own latest reply read.
    expect((await rootAs(bob, g)).thread).toMatchObject({ following: true, unreadCount: 0 });
    expect((await rootAs(cy, g)).thread).toMatchObject({ following: true, unreadCount: 1 });

    const all = await replies(cy, root.id);
    expect(all.edges.map((e) => e.node.id)).toEqual([r1.id, r2.id, r3.id]);
    expect(all.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false });
    const firstPage = await replies(cy, root.id, { first: 2 });
    expect(firstPage.edges.map((e) => e.node.id)).toEqual([r1.id, r2.id]);
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const next = await replies(cy, root.id, { first: 2, after: r2.seq });
    expect(next.edges.map((e) => e.node.id)).toEqual([r3.id]);
    expect(next.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    const latest = await replies(cy, root.id, { last: 1 });
    expect(latest.edges.map((e) => e.node.id)).toEqual([r3.id]);
    expect(latest.pageInfo.hasPreviousPage).toBe(true);
    expectCode(await gql(api, REPLIES, { r: root.id, first: 101 }, cy.token), 'BAD_USER_INPUT');

    // Mark read, unfollow, follow.
    await ok(api, 'mutation($r:ID!){ markThreadRead(rootId:$r){ id } }', { r: root.id }, ada.token);
    expect((await rootAs(ada, g)).thread).toMatchObject({ following: true, unreadCount: 0 });
    expectCode(
      await mutate(ada, 'mutation($r:ID!){ markThreadRead(rootId:$r, seq:9999){ id } }', {
        r: root.id,
      }),
      'BAD_USER_INPUT',
    );
    await send(bob, g, 'one more', root.id);
    expect((await rootAs(ada, g)).thread).toMatchObject({ replyCount: 4, unreadCount: 1 });
    await ok(api, 'mutation($r:ID!){ unfollowThread(rootId:$r){ id } }', { r: root.id }, ada.token);
    expect((await rootAs(ada, g)).thread).toMatchObject({ following: false, unreadCount: 0 });
    await ok(api, 'mutation($r:ID!){ followThread(rootId:$r){ id } }', { r: root.id }, ada.token);
    expect((await rootAs(ada, g)).thread).toMatchObject({ following: true, unreadCount: 1 });
    const followed = await ok<{ followedThreads: { edges: { node: M }[] } }>(
      api,
      FOLLOWED,
      {},
      ada.token,
    );
    expect(followed.followedThreads.edges.map((e) => e.node.id)).toContain(root.id);
    // Cy never followed... but replied, so follows; Eve (not a member) lists nothing of it.
    const eves = await ok<{ followedThreads: { edges: unknown[] } }>(api, FOLLOWED, {}, eve.token);
    expect(eves.followedThreads.edges).toEqual([]);

    // Edits, reactions and deletes work on replies; a deleted reply leaves the count.
    await ok(
      api,
      'mutation($id:ID!){ editMessage(id:$id, body:"yes!"){ id } }',
      { id: r1.id },
      bob.token,
    );
    await ok(
      api,
      'mutation($id:ID!){ addReaction(messageId:$id, emoji:"👍"){ id } }',
      { id: r1.id },
      ada.token,
    );
    await ok(api, 'mutation($id:ID!){ deleteMessage(id:$id){ id } }', { id: r2.id }, cy.token);
    const now = await rootAs(ada, g);
    expect(now.thread).toMatchObject({ replyCount: 3, participants: [{ id: bob.id }] });
    expect((await replies(ada, root.id)).edges.find((e) => e.node.id === r1.id)?.node.body).toBe(
      'yes!',
    );
  });

  it('refuses threads under replies, deleted messages, other conversations, and for strangers', async () => {
    const g = await createGroup(api, ada, [bob], 'Refusals');
    const other = await createGroup(api, bob, [cy], 'Other');
    const root = await send(ada, g, 'root');
    const reply = await send(bob, g, 'reply', root.id);
    const SEND_RAW = (c: string, r: string, who: User) =>
      gql(api, SEND, { c, k: newClientId(), b: 'x', r }, who.token);
    const nested = await SEND_RAW(g, reply.id, ada);
    expectCode(nested, 'BAD_USER_INPUT', 'threadRootId');
    expect(JSON.stringify(nested)).toContain('THREAD_ROOT_IS_REPLY');
    const doomed = await send(ada, g, 'doomed');
    await ok(api, 'mutation($id:ID!){ deleteMessage(id:$id){ id } }', { id: doomed.id }, ada.token);
    const deleted = await SEND_RAW(g, doomed.id, bob);
    expectCode(deleted, 'BAD_USER_INPUT', 'threadRootId');
    expect(JSON.stringify(deleted)).toContain('THREAD_ROOT_DELETED');
    // A root of another conversation is not found (never quoted across conversations).
    expectCode(await SEND_RAW(other, root.id, bob), 'NOT_FOUND');
    // A stranger (Eve) cannot thread, read replies, follow, star or forward.
    expectCode(await SEND_RAW(g, root.id, eve), 'NOT_FOUND');
    expectCode(await gql(api, REPLIES, { r: root.id }, eve.token), 'NOT_FOUND');
    for (const op of ['followThread', 'unfollowThread', 'markThreadRead'])
      expectCode(
        await mutate(eve, `mutation($r:ID!){ ${op}(rootId:$r){ id } }`, { r: root.id }),
        'NOT_FOUND',
      );
    for (const op of ['starMessage', 'unstarMessage'])
      expectCode(
        await mutate(eve, `mutation($m:ID!){ ${op}(messageId:$m){ id } }`, { m: root.id }),
        'NOT_FOUND',
      );
    const eveDm = await openDm(api, eve, ada);
    expectCode(await mutate(eve, FORWARD, { m: root.id, c: eveDm, k: newClientId() }), 'NOT_FOUND');
    // Following a reply's "thread" is refused.
    expectCode(
      await mutate(ada, 'mutation($r:ID!){ followThread(rootId:$r){ id } }', { r: reply.id }),
      'BAD_USER_INPUT',
    );
  });

  it('announces thread changes on chatEvents, live and on resume', async () => {
    const g = await createGroup(api, ada, [bob], 'Live threads');
    const root = await send(ada, g, 'live root');
    const EVENTS = `subscription($since:[ConversationCursorInput!]){ chatEvents(since:$since){ __typename
      ... on MessageAdded { seq message { id threadRootId } }
      ... on MessageUpdated { seq message { id thread { replyCount } } } } }`;
    type E = {
      chatEvents: {
        __typename: string;
        seq?: number;
        message?: {
          id: string;
          threadRootId?: string | null;
          thread?: { replyCount: number } | null;
        };
      };
    };
    const client = wsClient(api, ada.token);
    const live = new Collector<E>(client, EVENTS, {
      since: [{ conversationId: g, afterSeq: root.seq }],
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const reply = await send(bob, g, 'live reply', root.id);
      const items = await live.until(
        (xs) =>
          xs.some(
            (x) =>
              x.chatEvents.__typename === 'MessageUpdated' &&
              x.chatEvents.message?.id === root.id &&
              x.chatEvents.message.thread?.replyCount === 1,
          ),
        10_000,
        'the root summary update',
      );
      const added = items.find((x) => x.chatEvents.message?.id === reply.id);
      expect(added?.chatEvents).toMatchObject({
        __typename: 'MessageAdded',
        message: { threadRootId: root.id },
      });
    } finally {
      live.stop();
      await client.dispose();
    }

    // Resume from before the reply: both the reply and the root's update are replayed, in order.
    await send(bob, g, 'second reply', root.id);
    const client2 = wsClient(api, ada.token);
    const resumed = new Collector<E>(client2, EVENTS, {
      since: [{ conversationId: g, afterSeq: root.seq }],
    });
    try {
      const items = await resumed.until(
        (xs) => xs.some((x) => x.chatEvents.message?.thread?.replyCount === 2),
        10_000,
        'replay of the thread',
      );
      const seqs = items.map((x) => x.chatEvents.seq ?? 0);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(items.filter((x) => x.chatEvents.message?.threadRootId === root.id)).toHaveLength(2);
    } finally {
      resumed.stop();
      await client2.dispose();
    }
  });

  it("tells the user's other devices when they follow, unfollow or read a thread (ThreadStateChanged, theirs only, no seq)", async () => {
    const g = await createGroup(api, ada, [bob], 'Thread state on two devices');
    const root = await send(bob, g, 'state root');
    await send(bob, g, 'reply 1', root.id);
    await send(bob, g, 'reply 2', root.id);
    const EVENTS = `subscription { chatEvents { __typename
      ... on ThreadStateChanged { conversationId root { id seq thread { following unreadCount } } } } }`;
    type E = {
      chatEvents: {
        __typename: string;
        conversationId?: string;
        root?: { id: string; seq: number; thread: { following: boolean; unreadCount: number } };
      };
    };
    const adaPhone = wsClient(api, ada.token);
    const bobPhone = wsClient(api, bob.token);
    const ada2 = new Collector<E>(adaPhone, EVENTS);
    const bobs = new Collector<E>(bobPhone, EVENTS);
    const states = (xs: E[]) =>
      xs.filter((x) => x.chatEvents.__typename === 'ThreadStateChanged').map((x) => x.chatEvents);
    try {
      await new Promise((r) => setTimeout(r, 300));
      // Ada, on her laptop (HTTP): follow, read, unfollow. Her phone hears each, in order.
      await ok(api, `mutation($r:ID!){ followThread(rootId:$r){ id } }`, { r: root.id }, ada.token);
      let seen = await ada2.until((xs) => states(xs).length >= 1, 10_000, 'the follow');
      expect(states(seen)[0]).toEqual({
        __typename: 'ThreadStateChanged',
        conversationId: g,
        root: { id: root.id, seq: root.seq, thread: { following: true, unreadCount: 2 } },
      });
      await ok(
        api,
        `mutation($r:ID!){ markThreadRead(rootId:$r){ id } }`,
        { r: root.id },
        ada.token,
      );
      seen = await ada2.until((xs) => states(xs).length >= 2, 10_000, 'the read');
      expect(states(seen)[1]?.root?.thread).toEqual({ following: true, unreadCount: 0 });
      await ok(
        api,
        `mutation($r:ID!){ unfollowThread(rootId:$r){ id } }`,
        { r: root.id },
        ada.token,
      );
      seen = await ada2.until((xs) => states(xs).length >= 3, 10_000, 'the unfollow');
      expect(states(seen)[2]?.root?.thread).toEqual({ following: false, unreadCount: 0 });
      // Bob, a member of the same conversation, hears none of Ada's thread state.
      await new Promise((r) => setTimeout(r, 300));
      expect(states(bobs.items)).toEqual([]);
    } finally {
      ada2.stop();
      bobs.stop();
      await Promise.all([adaPhone.dispose(), bobPhone.dispose()]);
    }
  });

  it('forwards a readable message to a conversation the user can send in, revealing nothing of its origin', async () => {
    const secret = await createGroup(api, ada, [bob], 'Private');
    const target = await createGroup(api, bob, [cy], 'Target');
    const source = await send(ada, secret, 'the plan: `$&` 東京 👩‍👩‍👧');
    const k = newClientId();
    const fwd = (
      await ok<{ forwardMessage: M }>(api, FORWARD, { m: source.id, c: target, k }, bob.token)
    ).forwardMessage;
    expect(fwd).toMatchObject({
      body: source.body,
      forwarded: true,
      conversationId: target,
      sender: { id: bob.id },
      threadRootId: null,
    });
    expect(JSON.stringify(fwd)).not.toContain(secret);
    expect(JSON.stringify(fwd)).not.toContain(source.id);
    // Idempotent on the clientMessageId.
    const again = await ok<{ forwardMessage: M }>(
      api,
      FORWARD,
      { m: source.id, c: target, k },
      bob.token,
    );
    expect(again.forwardMessage.id).toBe(fwd.id);
    // Cy sees it in the target, labelled.
    const cys = await timeline(cy, target);
    expect(cys.find((m) => m.id === fwd.id)).toMatchObject({ forwarded: true });
    // Cy cannot forward from a conversation she cannot read; Bob cannot forward into one he is not in.
    const cyDm = await openDm(api, cy, ada);
    expectCode(await mutate(cy, FORWARD, { m: source.id, c: cyDm, k: newClientId() }), 'NOT_FOUND');
    const adaOnly = await createGroup(api, ada, [], 'Ada only');
    expectCode(
      await mutate(bob, FORWARD, { m: source.id, c: adaOnly, k: newClientId() }),
      'NOT_FOUND',
    );
    // A deleted message is not forwarded.
    await ok(api, 'mutation($id:ID!){ deleteMessage(id:$id){ id } }', { id: source.id }, ada.token);
    const gone = await mutate(bob, FORWARD, { m: source.id, c: target, k: newClientId() });
    expectCode(gone, 'BAD_USER_INPUT');
    expect(JSON.stringify(gone)).toContain('FORWARD_DELETED');
  });

  it('stars messages per user and lists only what the user can still read', async () => {
    const g = await createGroup(api, ada, [bob, cy], 'Stars');
    const a = await send(ada, g, 'star me');
    const b = await send(bob, g, 'me too');
    const star = (who: User, id: string) =>
      ok<{ starMessage: M }>(
        api,
        'mutation($m:ID!){ starMessage(messageId:$m){ id starredByMe } }',
        { m: id },
        who.token,
      );
    expect((await star(cy, a.id)).starMessage.starredByMe).toBe(true);
    await star(cy, b.id);
    await star(cy, b.id); // again: still one star
    // Stars are private.
    expect((await timeline(ada, g)).find((m) => m.id === a.id)?.starredByMe).toBe(false);
    const list = async (who: User, first?: number, after?: string) =>
      (
        await ok<{
          starredMessages: {
            edges: { cursor: string; node: M }[];
            pageInfo: { hasNextPage: boolean };
          };
        }>(api, STARRED, { first, after }, who.token)
      ).starredMessages;
    const mine = await list(cy);
    expect(mine.edges.map((e) => e.node.id)).toEqual([b.id, a.id]);
    const page1 = await list(cy, 1);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await list(cy, 1, page1.edges[0]!.cursor);
    expect(page2.edges.map((e) => e.node.id)).toEqual([a.id]);
    expect((await list(ada)).edges).toEqual([]);
    await ok(api, 'mutation($m:ID!){ unstarMessage(messageId:$m){ id } }', { m: b.id }, cy.token);
    expect((await list(cy)).edges.map((e) => e.node.id)).toEqual([a.id]);
    // Removed from the group: a star on what she could read before her removal stays listed;
    // a message after it is not readable, so cannot be starred.
    await ok(
      api,
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { c: g, u: cy.id },
      ada.token,
    );
    const later = await send(ada, g, 'after Cy left');
    expectCode(
      await mutate(cy, 'mutation($m:ID!){ starMessage(messageId:$m){ id } }', { m: later.id }),
      'NOT_FOUND',
    );
    expect((await list(cy)).edges.map((e) => e.node.id)).toEqual([a.id]);
    // A deleted message drops out of the list.
    await ok(api, 'mutation($id:ID!){ deleteMessage(id:$id){ id } }', { id: a.id }, ada.token);
    expect((await list(cy)).edges).toEqual([]);
    expectCode(await gql(api, STARRED, { first: 51 }, cy.token), 'BAD_USER_INPUT');
  });
});
