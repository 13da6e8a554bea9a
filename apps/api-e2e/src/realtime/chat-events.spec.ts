import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiProcess,
  Collector,
  gql,
  ok,
  Session,
  signUp,
  sleep,
  startApi,
  wsClient,
} from '../support';
import { Ev, group, history, MessageState, ofType, probe, send, STREAM } from './realtime-helpers';

let api: ApiProcess;
let ada: Session;
let bob: Session;
let cyd: Session;

beforeAll(async () => {
  api = await startApi({ REPLAY_LIMIT: '20', TYPING_TTL_MS: '1000' });
  [ada, bob, cyd] = [await signUp(api, 'Ada'), await signUp(api, 'Bob'), await signUp(api, 'Cyd')];
});
afterAll(async () => {
  await api?.stop();
});

const mutate = (who: Session, query: string, variables: Record<string, unknown>) =>
  ok(api, query, variables, who.accessToken);

describe('chatEvents: live delivery', () => {
  it('delivers every event type to members, in order', async () => {
    const conv = await group(api, ada, [bob]);
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conv, afterSeq: 0 }],
    });
    await probe(api, ada, conv, stream);
    const m = await send(api, ada, conv, 'first');
    await mutate(ada, 'mutation($id:ID!){ editMessage(id:$id, body:"first (edited)"){ id } }', {
      id: m.id,
    });
    await mutate(ada, 'mutation($id:ID!){ addReaction(messageId:$id, emoji:"👍"){ id } }', {
      id: m.id,
    });
    await mutate(ada, 'mutation($c:ID!,$s:Int!){ markRead(conversationId:$c, seq:$s){ id } }', {
      c: conv,
      s: m.seq,
    });
    await mutate(
      ada,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, title:"Renamed"}){ id } }',
      { c: conv },
    );
    await mutate(
      bob,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, muted:true}){ id } }',
      { c: conv },
    );
    await mutate(
      ada,
      'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
      { c: conv, u: [cyd.userId] },
    );
    await mutate(ada, 'mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }', { c: conv });
    await mutate(ada, 'mutation($id:ID!){ deleteMessage(id:$id){ id } }', { id: m.id });
    const items = await stream.until(
      (i) =>
        ofType(i, 'MessageUpdated').some((e) => e.message?.deletedAt) &&
        ofType(i, 'TypingChanged').length > 0,
      10_000,
      'all event types',
    );
    const types = items.map((i) => i.chatEvents.__typename);
    for (const t of [
      'MessageAdded',
      'MessageUpdated',
      'ReadReceipt',
      'ConversationChanged',
      'MembershipChanged',
      'TypingChanged',
    ]) {
      expect(types, t).toContain(t);
    }
    expect(ofType(items, 'MessageAdded').find((e) => e.message?.id === m.id)).toMatchObject({
      seq: m.seq,
      message: { body: 'first' },
    });
    const updates = ofType(items, 'MessageUpdated');
    expect(updates.map((u) => u.message?.body)).toEqual(['first (edited)', 'first (edited)', null]);
    expect(updates[1]!.message!.reactions).toEqual([{ emoji: '👍', count: 1 }]);
    expect(ofType(items, 'ReadReceipt')[0]).toMatchObject({
      conversationId: conv,
      userId: ada.userId,
      seq: m.seq,
    });
    const changes = ofType(items, 'ConversationChanged');
    expect(changes.find((c) => c.conversation?.title === 'Renamed')?.logSeq).toBeGreaterThan(m.seq);
    expect(changes.find((c) => c.logSeq === null)?.conversation?.muted).toBe(true);
    expect(ofType(items, 'MembershipChanged')[0]).toMatchObject({
      userId: cyd.userId,
      change: 'ADDED',
    });
    expect(ofType(items, 'TypingChanged')[0]).toMatchObject({
      conversationId: conv,
      typing: true,
      user: { id: ada.userId },
    });
    // Ordered events arrive in strictly increasing seq.
    const seqs = items
      .map((i) => i.chatEvents)
      .flatMap((e) =>
        e.__typename === 'ReadReceipt'
          ? []
          : typeof e.seq === 'number'
            ? [e.seq]
            : typeof e.logSeq === 'number'
              ? [e.logSeq]
              : [],
      );
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    stream.stop();
    await client.dispose();
  });

  it('typing expires by itself when not refreshed', async () => {
    const conv = await group(api, ada, [bob]);
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conv, afterSeq: 0 }],
    });
    await probe(api, ada, conv, stream);
    await mutate(ada, 'mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }', { c: conv });
    const items = await stream.until(
      (i) => ofType(i, 'TypingChanged').some((t) => t.typing === false),
      5_000,
      'typing expiry',
    );
    expect(ofType(items, 'TypingChanged').map((t) => t.typing)).toEqual([true, false]);
    stream.stop();
    await client.dispose();
  });

  it('starts events of a conversation one is added to, without re-subscribing', async () => {
    const dm = (
      await ok<{ openDirectConversation: { id: string } }>(
        api,
        'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
        { u: cyd.userId },
        ada.accessToken,
      )
    ).openDirectConversation.id;
    const client = wsClient(api, cyd.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: dm, afterSeq: 0 }],
    });
    await probe(api, ada, dm, stream);
    const conv = await group(api, ada, [cyd], 'Fresh');
    await stream.until(
      (i) => ofType(i, 'MembershipChanged').some((e) => e.conversation?.id === conv),
      5_000,
      'added',
    );
    const m = await send(api, ada, conv, 'welcome');
    await stream.until(
      (i) => ofType(i, 'MessageAdded').some((e) => e.message?.id === m.id),
      5_000,
      'message in new conversation',
    );
    stream.stop();
    await client.dispose();
  });

  it('a removed member stops receiving at once', async () => {
    const conv = await group(api, ada, [bob, cyd], 'Shrinking');
    const client = wsClient(api, cyd.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conv, afterSeq: 0 }],
    });
    await probe(api, ada, conv, stream);
    await send(api, ada, conv, 'before');
    await mutate(
      ada,
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { c: conv, u: cyd.userId },
    );
    await stream.until(
      (i) => ofType(i, 'MembershipChanged').some((e) => e.change === 'REMOVED'),
      5_000,
      'removal',
    );
    await send(api, ada, conv, 'after');
    await send(api, bob, conv, 'after too');
    await sleep(800);
    const bodies = ofType(stream.items, 'MessageAdded')
      .filter((e) => e.message && e.conversation === undefined)
      .map((e) => e.message!.body);
    expect(bodies).toContain('before');
    expect(bodies).not.toContain('after');
    expect(bodies).not.toContain('after too');
    stream.stop();
    await client.dispose();
  });

  it('other subscribers never receive a conversation they are not in', async () => {
    const conv = await group(api, ada, [bob], 'Private');
    const dm = (
      await ok<{ openDirectConversation: { id: string } }>(
        api,
        'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
        { u: cyd.userId },
        ada.accessToken,
      )
    ).openDirectConversation.id;
    const client = wsClient(api, cyd.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: dm, afterSeq: 0 }],
    });
    await probe(api, ada, dm, stream);
    await send(api, ada, conv, 'secret');
    await mutate(ada, 'mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }', { c: conv });
    await sleep(800);
    expect(
      stream.items.filter(
        (i) => JSON.stringify(i).includes(conv) || JSON.stringify(i).includes('secret'),
      ),
    ).toEqual([]);
    stream.stop();
    await client.dispose();
  });
});

/** Applies replayed and live events to a snapshot, as a client would. */
function apply(snapshot: Map<string, MessageState>, items: Ev[]): void {
  for (const { chatEvents: e } of items) {
    if ((e.__typename === 'MessageAdded' || e.__typename === 'MessageUpdated') && e.message) {
      const { id, seq, body, editedAt, deletedAt, reactions } = e.message;
      snapshot.set(id, { id, seq, body, editedAt, deletedAt, reactions });
    }
  }
}

describe('chatEvents: resume', () => {
  it('ends in exactly the state a fresh query returns, with no duplicates', async () => {
    const conv = await group(api, ada, [bob], 'Resume');
    const first = await send(api, ada, conv, 'one');
    const second = await send(api, bob, conv, 'two');
    const snapshot = new Map((await history(api, bob, conv)).map((m) => [m.id, m]));
    const lastSeq = second.seq;
    // Bob is away: things happen.
    const third = await send(api, ada, conv, 'three');
    await mutate(ada, 'mutation($id:ID!){ editMessage(id:$id, body:"one, edited"){ id } }', {
      id: first.id,
    });
    await mutate(ada, 'mutation($id:ID!){ deleteMessage(id:$id){ id } }', { id: third.id });
    await mutate(ada, 'mutation($id:ID!){ addReaction(messageId:$id, emoji:"🎉"){ id } }', {
      id: second.id,
    });
    const fourth = await send(api, ada, conv, 'four');
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conv, afterSeq: lastSeq }],
    });
    const items = await stream.until(
      (i) => ofType(i, 'MessageAdded').some((e) => e.message?.id === fourth.id),
      5_000,
      'replay',
    );
    await sleep(300);
    const seqs = stream.items
      .map((i) => i.chatEvents.seq)
      .filter((s): s is number => typeof s === 'number');
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Math.min(...seqs)).toBeGreaterThan(lastSeq);
    apply(snapshot, items);
    const fresh = await history(api, bob, conv);
    expect([...snapshot.values()].sort((a, b) => a.seq - b.seq)).toEqual(fresh);
    stream.stop();
    await client.dispose();
  });

  it('delivers a message sent while the stream is replaying exactly once', async () => {
    const conv = await group(api, ada, [bob], 'Busy');
    for (let i = 0; i < 15; i++) await send(api, ada, conv, `backlog ${i}`);
    const client = wsClient(api, bob.accessToken);
    const sending = (async () => {
      const sent: number[] = [];
      for (let i = 0; i < 5; i++) sent.push((await send(api, ada, conv, `during ${i}`)).seq);
      return sent;
    })();
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conv, afterSeq: 0 }],
    });
    const sent = await sending;
    const items = await stream.until(
      (i) => ofType(i, 'MessageAdded').some((e) => e.seq === sent[sent.length - 1]),
      8_000,
      'all messages',
    );
    await sleep(300);
    const seqs = ofType(items, 'MessageAdded').map((e) => e.seq!);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    stream.stop();
    await client.dispose();
  });

  it('sends ResyncRequired beyond the replay bound and for conversations one never belonged to, and replays a removal', async () => {
    const dan = await signUp(api, 'Dan');
    const conv = await group(api, ada, [bob, cyd, dan], 'Far');
    const senders = [ada, cyd, dan]; // spread over users: sends are rate limited per user
    for (let i = 0; i < 25; i++) await send(api, senders[i % 3]!, conv, `m${i}`); // REPLAY_LIMIT is 20 here
    const gone = await group(api, ada, [bob], 'Gone');
    const foreign = await group(api, ada, [cyd], 'Foreign');
    await mutate(
      ada,
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { c: gone, u: bob.userId },
    );
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [
        { conversationId: conv, afterSeq: 0 },
        { conversationId: gone, afterSeq: 0 },
        { conversationId: foreign, afterSeq: 0 },
      ],
    });
    const items = await stream.until(
      (i) => ofType(i, 'ResyncRequired').length >= 2 && ofType(i, 'MembershipChanged').length >= 1,
      5_000,
      'resyncs',
    );
    expect(ofType(items, 'ResyncRequired')).toEqual([
      { __typename: 'ResyncRequired', conversationId: conv, reason: 'TOO_FAR_BEHIND' },
      { __typename: 'ResyncRequired', conversationId: foreign, reason: 'NOT_A_MEMBER' },
    ]);
    // A conversation Bob was removed from stays his to read: the removal is replayed, not refused.
    expect(
      ofType(items, 'MembershipChanged').map((e) => [e.conversation?.id, e.userId, e.change]),
    ).toEqual([[gone, bob.userId, 'REMOVED']]);
    expect(ofType(items, 'MessageAdded').filter((e) => e.message && e.seq! <= 25)).toEqual([]);
    // Live events continue after the resync.
    const next = await send(api, ada, conv, 'live again');
    await stream.until(
      (i) => ofType(i, 'MessageAdded').some((e) => e.message?.id === next.id),
      5_000,
      'live after resync',
    );
    stream.stop();
    await client.dispose();
  });

  it('rejects malformed cursors with a clear error', async () => {
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: 'x', afterSeq: -1 }],
    });
    await stream.until(() => stream.errors.length > 0, 5_000, 'error');
    expect(JSON.stringify(stream.errors)).toContain('BAD_USER_INPUT');
    await client.dispose();
  });
});

describe('presence', () => {
  it('goes ONLINE on connect and OFFLINE with lastSeenAt when a client dies without closing', async () => {
    const dm = await ok<{ openDirectConversation: { id: string } }>(
      api,
      'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
      { u: cyd.userId },
      ada.accessToken,
    );
    expect(dm.openDirectConversation.id).toBeTruthy();
    const watcher = wsClient(api, ada.accessToken);
    const stream = new Collector<Ev>(watcher, STREAM, {
      since: [{ conversationId: dm.openDirectConversation.id, afterSeq: 0 }],
    });
    await probe(api, ada, dm.openDirectConversation.id, stream);
    // Cyd connects from another process, which is then killed (no close frame is ever sent).
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [
        '-e',
        `
      const WebSocket = require('ws');
      const ws = new WebSocket(${JSON.stringify(api.wsUrl)}, 'graphql-transport-ws');
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer ${cyd.accessToken}' } })));
      ws.on('message', (m) => { if (JSON.parse(m).type === 'connection_ack') console.log('ACK'); });
    `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() },
    );
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('ACK') && resolve()),
    );
    const online = await stream.until(
      (i) =>
        ofType(i, 'PresenceChanged').some(
          (e) => e.user?.id === cyd.userId && e.user.presence?.status === 'ONLINE',
        ),
      5_000,
      'online',
    );
    expect(online.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    const items = await stream.until(
      (i) =>
        ofType(i, 'PresenceChanged').some(
          (e) => e.user?.id === cyd.userId && e.user.presence?.status === 'OFFLINE',
        ),
      15_000,
      'offline',
    );
    const offline = ofType(items, 'PresenceChanged').find(
      (e) => e.user?.presence?.status === 'OFFLINE',
    )!;
    expect(offline.user!.presence!.lastSeenAt).not.toBeNull();
    const seen = await gql(
      api,
      'query($u:ID!){ user(id:$u){ presence { status lastSeenAt } lastSeenAt } }',
      { u: cyd.userId },
      ada.accessToken,
    );
    expect(seen.data).toMatchObject({ user: { presence: { status: 'OFFLINE' } } });
    expect((seen.data as { user: { lastSeenAt: string } }).user.lastSeenAt).toBeTruthy();
    stream.stop();
    await watcher.dispose();
  });
});
