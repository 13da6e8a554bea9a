import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, ok, Session, signUp, sleep, startApi, wsClient } from '../support';
import { ClientMirror, mirrored } from './client-mirror';
import { Ev, group, history, ofType, probe, send, STREAM } from './realtime-helpers';

let api: ApiProcess;

beforeAll(async () => {
  // A long typing TTL: an indicator that ends within the test was ended by something else.
  api = await startApi({ TYPING_TTL_MS: '60000' });
});
afterAll(async () => {
  await api?.stop();
});

const mutate = (who: Session, query: string, variables: Record<string, unknown> = {}) =>
  ok(api, query, variables, who.accessToken);
const dm = async (a: Session, b: Session) =>
  (await mutate(a, 'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }', { u: b.userId }))
    .openDirectConversation.id as string;
const presenceSeenBy = async (viewer: Session, target: Session) =>
  (
    await mutate(
      viewer,
      'query($u:ID!){ user(id:$u){ presence { status lastSeenAt } lastSeenAt } }',
      { u: target.userId },
    )
  ).user as {
    presence: { status: string; lastSeenAt: string | null };
    lastSeenAt: string | null;
  };
const latestPresence = (items: Ev[], userId: string) =>
  ofType(items, 'PresenceChanged')
    .filter((e) => e.user?.id === userId)
    .at(-1)?.user?.presence;

describe('presence follows privacy and blocks while the user is online', () => {
  async function watchedOnline(): Promise<{
    watcher: Session;
    target: Session;
    stream: Collector<Ev>;
    close: () => Promise<void>;
  }> {
    const [watcher, target] = [await signUp(api, 'Watcher'), await signUp(api, 'Target')];
    const conversation = await dm(watcher, target);
    const watcherClient = wsClient(api, watcher.accessToken);
    const stream = new Collector<Ev>(watcherClient, STREAM, {
      since: [{ conversationId: conversation, afterSeq: 0 }],
    });
    await probe(api, watcher, conversation, stream);
    const targetClient = wsClient(api, target.accessToken);
    const targetStream = new Collector<Ev>(targetClient, STREAM);
    await stream.until(
      (i) => latestPresence(i, target.userId)?.status === 'ONLINE',
      10_000,
      'the target online',
    );
    expect((await presenceSeenBy(watcher, target)).presence.status).toBe('ONLINE');
    return {
      watcher,
      target,
      stream,
      close: async () => {
        stream.stop();
        targetStream.stop();
        await Promise.all([watcherClient.dispose(), targetClient.dispose()]);
      },
    };
  }

  it('a switch to NOBODY shows OFFLINE on watchers, as their HTTP query does', async () => {
    const { watcher, target, stream, close } = await watchedOnline();
    await mutate(target, 'mutation { updateProfile(input:{presencePrivacy: NOBODY}){ id } }');
    const items = await stream.until(
      (i) => latestPresence(i, target.userId)?.status === 'OFFLINE',
      10_000,
      'the target hidden',
    );
    const http = await presenceSeenBy(watcher, target);
    expect(http.presence).toEqual({ status: 'OFFLINE', lastSeenAt: null });
    expect(latestPresence(items, target.userId)).toEqual(http.presence);
    // Switching back shows the real status again.
    await mutate(target, 'mutation { updateProfile(input:{presencePrivacy: EVERYONE}){ id } }');
    await stream.until(
      (i) => latestPresence(i, target.userId)?.status === 'ONLINE',
      10_000,
      'the target visible again',
    );
    expect((await presenceSeenBy(watcher, target)).presence.status).toBe('ONLINE');
    await close();
  });

  it('a block either way shows OFFLINE on the other side, as the HTTP query does', async () => {
    const { watcher, target, stream, close } = await watchedOnline();
    await mutate(target, 'mutation($u:ID!){ blockUser(userId:$u) }', { u: watcher.userId });
    const items = await stream.until(
      (i) => latestPresence(i, target.userId)?.status === 'OFFLINE',
      10_000,
      'the blocker hidden',
    );
    const http = await presenceSeenBy(watcher, target);
    expect(http.presence).toEqual({ status: 'OFFLINE', lastSeenAt: null });
    expect(latestPresence(items, target.userId)).toEqual(http.presence);
    await close();
  });

  it('a user who never could see the presence gets nothing when it changes', async () => {
    const [watcher, target] = [await signUp(api, 'Outsider'), await signUp(api, 'Private')];
    await mutate(target, 'mutation { updateProfile(input:{presencePrivacy: NOBODY}){ id } }');
    const conversation = await dm(watcher, target);
    const watcherClient = wsClient(api, watcher.accessToken);
    const stream = new Collector<Ev>(watcherClient, STREAM, {
      since: [{ conversationId: conversation, afterSeq: 0 }],
    });
    await probe(api, watcher, conversation, stream);
    const targetClient = wsClient(api, target.accessToken);
    const targetStream = new Collector<Ev>(targetClient, STREAM);
    await sleep(800); // the target's connect announces ONLINE to those who may see it
    await targetClient.dispose();
    await sleep(800);
    expect(
      ofType(stream.items, 'PresenceChanged').filter((e) => e.user?.id === target.userId),
    ).toEqual([]);
    targetStream.stop();
    stream.stop();
    await watcherClient.dispose();
  });
});

describe('the presence a stream watches follows new peers and contacts while it stays open', () => {
  it('a new direct peer, a group the watcher is added to, a member added to its group and a new contact: each one going online arrives live', async () => {
    const [watcher, helper, peer, grouped, joiner, contact, other] = [
      await signUp(api, 'Watcher'),
      await signUp(api, 'Helper'),
      await signUp(api, 'Peer'),
      await signUp(api, 'Grouped'),
      await signUp(api, 'Joiner'),
      await signUp(api, 'Contact'),
      await signUp(api, 'Other'),
    ];
    const own = await group(api, watcher, [helper], 'Own');
    const watcherClient = wsClient(api, watcher.accessToken);
    const stream = new Collector<Ev>(watcherClient, STREAM, {
      since: [{ conversationId: own, afterSeq: 0 }],
    });
    await probe(api, watcher, own, stream);
    const goesOnline = async (who: Session, what: string) => {
      const client = wsClient(api, who.accessToken);
      const theirs = new Collector<Ev>(client, STREAM);
      await stream.until(
        (i) => latestPresence(i, who.userId)?.status === 'ONLINE',
        10_000,
        `${what} online`,
      );
      theirs.stop();
      await client.dispose();
    };
    const addedTo = (conversationId: string) =>
      stream.until(
        (i) =>
          ofType(i, 'MembershipChanged').some(
            (e) =>
              e.conversation?.id === conversationId &&
              e.userId === watcher.userId &&
              e.change === 'ADDED',
          ),
        10_000,
        'the watcher added',
      );

    // None of them was a peer or a contact when the stream started.
    const direct = await dm(peer, watcher);
    await addedTo(direct);
    await goesOnline(peer, 'the new direct peer');

    const theirGroup = await group(api, grouped, [other], 'Theirs');
    await mutate(
      grouped,
      'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
      { c: theirGroup, u: [watcher.userId] },
    );
    await addedTo(theirGroup);
    await goesOnline(grouped, 'a member of the group the watcher was added to');
    await goesOnline(other, 'another member of that group');

    await mutate(
      watcher,
      'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
      { c: own, u: [joiner.userId] },
    );
    await stream.until(
      (i) => ofType(i, 'MembershipChanged').some((e) => e.userId === joiner.userId),
      10_000,
      'the joiner added',
    );
    await probe(api, watcher, own, stream);
    await goesOnline(joiner, "a member added to the watcher's group");

    await mutate(watcher, 'mutation($p:String!){ addContact(phone:$p){ addedAt } }', {
      p: contact.phone,
    });
    // The stream handles its events in order: once this probe arrives, the contact is watched.
    await probe(api, watcher, own, stream);
    await goesOnline(contact, 'the new contact');

    stream.stop();
    await watcherClient.dispose();
  });
});

describe('typing', () => {
  it("the typist's message ends their indicator at once, right before the message", async () => {
    const [ada, bob] = [await signUp(api, 'Ada'), await signUp(api, 'Bob')];
    const conversation = await group(api, ada, [bob]);
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conversation, afterSeq: 0 }],
    });
    await probe(api, ada, conversation, stream);
    await mutate(ada, 'mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }', {
      c: conversation,
    });
    await stream.until((i) => ofType(i, 'TypingChanged').some((t) => t.typing), 5_000, 'typing');
    const sent = await send(api, ada, conversation, 'done typing');
    // Both may arrive in separate frames (each leaves once rendered): wait for the two.
    const items = await stream.until(
      (i) =>
        ofType(i, 'TypingChanged').some((t) => t.typing === false) &&
        i.some(
          (e) => e.chatEvents.__typename === 'MessageAdded' && e.chatEvents.message?.id === sent.id,
        ),
      5_000,
      'typing cleared and the message',
    );
    const events = items.map((i) => i.chatEvents);
    const cleared = events.findIndex((e) => e.__typename === 'TypingChanged' && e.typing === false);
    const message = events.findIndex(
      (e) => e.__typename === 'MessageAdded' && e.message?.id === sent.id,
    );
    expect(events[cleared]).toMatchObject({
      conversationId: conversation,
      user: { id: ada.userId },
    });
    expect(message).toBe(cleared + 1);
    stream.stop();
    await client.dispose();
  });
});

describe('cursors', () => {
  it('a cursor ahead of the last seq gets ResyncRequired, and the next messages still arrive', async () => {
    const [ada, bob] = [await signUp(api, 'Ada'), await signUp(api, 'Bob')];
    const conversation = await group(api, ada, [bob]);
    const last = await send(api, ada, conversation, 'so far');
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conversation, afterSeq: last.seq + 5 }],
    });
    await stream.until((i) => ofType(i, 'ResyncRequired').length > 0, 5_000, 'resync');
    expect(ofType(stream.items, 'ResyncRequired')).toEqual([
      { __typename: 'ResyncRequired', conversationId: conversation, reason: 'CURSOR_AHEAD' },
    ]);
    const next = await send(api, ada, conversation, 'next');
    const items = await stream.until(
      (i) => ofType(i, 'MessageAdded').some((e) => e.message?.id === next.id),
      5_000,
      'the next message',
    );
    expect(ofType(items, 'MessageAdded').map((e) => e.seq)).toEqual([last.seq + 1]);
    stream.stop();
    await client.dispose();
  });
});

describe('removed and added again while the stream stays open', () => {
  async function removeAndReadd(historyVisibility: 'FULL' | 'SINCE_JOINED') {
    const [ada, bob, cyd] = [
      await signUp(api, 'Ada'),
      await signUp(api, 'Bob'),
      await signUp(api, 'Cyd'),
    ];
    const conversation = (
      await mutate(
        ada,
        'mutation($m:[ID!]!,$v:HistoryVisibility){ createGroup(input:{title:"Revolving", memberIds:$m, historyVisibility:$v}){ id } }',
        {
          m: [bob.userId, cyd.userId],
          v: historyVisibility,
        },
      )
    ).createGroup.id as string;
    await send(api, ada, conversation, 'before');
    const mirror = new ClientMirror(api, bob);
    await mirror.connect();
    const watcher = wsClient(api, bob.accessToken);
    // What crosses the wire to a second client of Bob's, which resumes from the start.
    const raw = new Collector<Ev>(watcher, STREAM, {
      since: [{ conversationId: conversation, afterSeq: 0 }],
    });
    const probed = await probe(api, ada, conversation, raw);
    await mirror.reached(conversation, probed);
    await mutate(
      ada,
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { c: conversation, u: bob.userId },
    );
    await send(api, cyd, conversation, 'while out');
    await mutate(
      ada,
      'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
      { c: conversation, u: [bob.userId] },
    );
    const after = await send(api, ada, conversation, 'after');
    await raw.until(
      (i) => ofType(i, 'MessageAdded').some((e) => e.message?.id === after.id),
      5_000,
      'the message after',
    );
    await sleep(300);
    await mirror.idle();
    const fresh = await history(api, bob, conversation);
    expect(mirrored(mirror, conversation)).toEqual(fresh);
    raw.stop();
    await Promise.all([mirror.disconnect(), watcher.dispose()]);
    return { fresh, mirror, raw };
  }

  it('SINCE_JOINED (the group default): the client keeps what it read before and holds what follows the new joining, nothing posted while out reaches it', async () => {
    const { fresh, mirror, raw } = await removeAndReadd('SINCE_JOINED');
    expect(fresh.map((m) => m.body)).toContain('before');
    expect(fresh.map((m) => m.body)).toContain('after');
    expect(fresh.map((m) => m.body)).not.toContain('while out');
    expect(mirror.seenBodies.has('while out')).toBe(false);
    expect(JSON.stringify(raw.items)).not.toContain('while out');
  });

  it('FULL: the client is told to resync, and ends with everything, as a fresh fetch shows', async () => {
    const { fresh, mirror } = await removeAndReadd('FULL');
    expect(fresh.map((m) => m.body)).toEqual(
      expect.arrayContaining(['before', 'while out', 'after']),
    );
    expect(mirror.resyncs.map((r) => r.reason)).toContain('HISTORY_AVAILABLE');
  });

  it('a client that reconnects with a cursor from before its removal gets the removal and the re-adding replayed, never the gap (SINCE_JOINED)', async () => {
    const [ada, bob] = [await signUp(api, 'Ada'), await signUp(api, 'Bob')];
    const conversation = await group(api, ada, [bob], 'Away');
    const before = await send(api, ada, conversation, 'before');
    await mutate(
      ada,
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { c: conversation, u: bob.userId },
    );
    await send(api, ada, conversation, 'while out');
    await mutate(
      ada,
      'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
      { c: conversation, u: [bob.userId] },
    );
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conversation, afterSeq: before.seq }],
    });
    await stream.until((i) => ofType(i, 'MembershipChanged').length >= 2, 5_000, 'replay');
    expect(ofType(stream.items, 'MembershipChanged').map((e) => [e.userId, e.change])).toEqual([
      [bob.userId, 'REMOVED'],
      [bob.userId, 'ADDED'],
    ]);
    await sleep(300);
    expect(ofType(stream.items, 'ResyncRequired')).toEqual([]);
    expect(JSON.stringify(stream.items)).not.toContain('while out');
    expect((await history(api, bob, conversation)).map((m) => m.body)).toEqual(['before']);
    stream.stop();
    await client.dispose();
  });
});
