import {
  ChatStreams,
  ConversationWatch,
  CoreSettings,
  HOLE_WAIT_MS,
  InMemoryEventBus,
  ManualClock,
  newId,
  OrderedRealtimeEvent,
  RealtimeEvent,
  RealtimePublisher,
  StreamItem,
  TopicRouter,
  User,
  UserViewPolicy,
} from '@chatter/core';
import { aConversation, aTenantId, aUser, ThrowingReporter, until } from '@chatter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store';

/**
 * The core's ChatStream over a real (in-memory) SQLite store and the in-memory bus, on a manual
 * clock: resume, ResyncRequired, duplicates, holes, typing and presence visibility. Lives here
 * because a core spec importing an adapter would make a project-graph cycle.
 */

let store: SqliteStore;
let clock: ManualClock;
let streams: ChatStreams;
let publisher: RealtimePublisher;
let router: TopicRouter;
let t: string;
let ada: User;
let bob: User;
const opened: { stop(): Promise<void> }[] = [];

beforeEach(async () => {
  store = SqliteStore.open({ file: ':memory:' });
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  const settings = new CoreSettings({ replayLimit: 5, reconcileIntervalMs: 0, typingTtlMs: 6_000 });
  const bus = new InMemoryEventBus();
  router = new TopicRouter(bus);
  publisher = new RealtimePublisher(bus, new ThrowingReporter());
  streams = new ChatStreams(
    router,
    store.conversations,
    store.messages,
    store.contacts,
    store.blocks,
    new UserViewPolicy(store.contacts, store.blocks),
    new ConversationWatch(store.conversations, settings),
    settings,
    clock,
  );
  t = aTenantId();
  ada = await store.users.create(aUser(t, { name: 'Ada' }));
  bob = await store.users.create(aUser(t, { name: 'Bob' }));
});

afterEach(async () => {
  for (const s of opened.splice(0)) await s.stop();
  router.close();
  await store.close();
});

async function aGroup(visibility: 'FULL' | 'SINCE_JOINED' = 'FULL') {
  return store.conversations.create(aConversation(t, { historyVisibility: visibility }), [
    { userId: ada.id, role: 'OWNER' },
    { userId: bob.id, role: 'MEMBER' },
  ]);
}

/** Stores a message (as SendMessages does) and returns its event, without publishing it. */
type Added = Extract<OrderedRealtimeEvent, { type: 'MESSAGE_ADDED' }>;

async function store_(conversationId: string, body: string): Promise<Added> {
  const { message, event } = await store.messages.append({
    id: newId(),
    tenantId: t,
    conversationId,
    senderId: ada.id,
    clientMessageId: newId(),
    body,
    replyToId: null,
    mentions: { userIds: [], all: false },
    createdAt: clock.now(),
  });
  return { type: 'MESSAGE_ADDED', tenantId: t, conversationId, seq: event!.seq, message };
}

async function post(conversationId: string, body: string): Promise<Added> {
  const event = await store_(conversationId, body);
  await publisher.toConversation(event);
  return event;
}

function open(viewer: User, since: { conversationId: string; afterSeq: number }[] | null = null) {
  const items: StreamItem[] = [];
  const stream = streams.open(
    { tenantId: t, userId: viewer.id, sessionId: 's' } as never,
    since,
    (item) => items.push(item),
  );
  opened.push(stream);
  const bodies = () =>
    items.flatMap((i) =>
      i.kind === 'event' && i.event.type === 'MESSAGE_ADDED' ? [i.event.message.body] : [],
    );
  const resyncs = () =>
    items.flatMap((i) => (i.kind === 'resync' ? [`${i.conversationId}:${i.reason}`] : []));
  const events = (type: RealtimeEvent['type']) =>
    items.flatMap((i) => (i.kind === 'event' && i.event.type === type ? [i.event] : []));
  return { stream, items, bodies, resyncs, events };
}

describe('ChatStream over SQLite', () => {
  it('resumes after a cursor: replays what follows, then goes live, each message once', async () => {
    const c = await aGroup();
    await post(c.id, 'one');
    const two = await post(c.id, 'two');
    await post(c.id, 'three');
    const s = open(bob, [{ conversationId: c.id, afterSeq: two.seq - 1 }]);
    await s.stream.started;
    expect(s.bodies()).toEqual(['two', 'three']);
    await post(c.id, 'four');
    await until('live', () => s.bodies().length === 3);
    expect(s.bodies()).toEqual(['two', 'three', 'four']);
  });

  it('members resuming together share one read: the next reads neither log nor messages, unless an entry is not shared', async () => {
    const c = await aGroup();
    const one = await post(c.id, 'one');
    await post(c.id, 'two');
    const cursor = [{ conversationId: c.id, afterSeq: one.seq - 1 }];
    const first = open(bob, cursor);
    await first.stream.started;
    expect(first.bodies()).toEqual(['one', 'two']);

    const reads = { log: 0, messages: 0 };
    const listEvents = store.conversations.listEvents.bind(store.conversations);
    const findByIds = store.messages.findByIds.bind(store.messages);
    store.conversations.listEvents = (...args) => (reads.log++, listEvents(...args));
    store.messages.findByIds = (...args) => (reads.messages++, findByIds(...args));

    const second = open(ada, cursor);
    await second.stream.started;
    expect(second.bodies()).toEqual(['one', 'two']);
    expect(reads).toEqual({ log: 0, messages: 0 });
    // The same event objects: rendered once for both.
    expect(second.events('MESSAGE_ADDED')).toEqual(first.events('MESSAGE_ADDED'));
    expect(second.events('MESSAGE_ADDED')[0]).toBe(first.events('MESSAGE_ADDED')[0]);

    // An entry stored since (its bus message not seen here yet) is not shared: the store is read.
    await store_(c.id, 'three');
    const third = open(bob, cursor);
    await third.stream.started;
    expect(third.bodies()).toEqual(['one', 'two', 'three']);
    expect(reads.log).toBe(1);
  });

  it('drops duplicate and stale copies of live events', async () => {
    const c = await aGroup();
    const s = open(bob, [{ conversationId: c.id, afterSeq: 0 }]);
    await s.stream.started;
    const one = await post(c.id, 'one');
    await publisher.toConversation(one);
    await post(c.id, 'two');
    await publisher.toConversation(one);
    await until('two', () => s.bodies().includes('two'));
    await new Promise((r) => setTimeout(r, 20));
    expect(s.bodies()).toEqual(['one', 'two']);
  });

  it('fills a gap from the store at once when the store has the missing entry (a lost bus message)', async () => {
    const c = await aGroup();
    const s = open(bob, [{ conversationId: c.id, afterSeq: 0 }]);
    await s.stream.started;
    await store_(c.id, 'lost on the bus');
    await post(c.id, 'after');
    await until('both', () => s.bodies().length === 2);
    expect(s.bodies()).toEqual(['lost on the bus', 'after']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('holds events behind a hole the store cannot fill yet, and skips it after HOLE_WAIT_MS', async () => {
    const c = await aGroup();
    const s = open(bob, [{ conversationId: c.id, afterSeq: 0 }]);
    await s.stream.started;
    const one = await store_(c.id, 'one');
    // seq 2 is reserved by a writer that never commits; seq 3 arrives live.
    const three: Added = {
      ...one,
      seq: 3,
      message: { ...one.message, id: newId(), seq: 3, body: 'three' },
    };
    await publisher.toConversation(three);
    await until('the store read for seq 1', () => s.bodies().includes('one'));
    await new Promise((r) => setTimeout(r, 20));
    expect(s.bodies()).toEqual(['one']);
    expect(clock.pendingTimers).toBeGreaterThan(0);
    clock.advance(HOLE_WAIT_MS);
    await until('the hole skipped', () => s.bodies().includes('three'));
    expect(s.bodies()).toEqual(['one', 'three']);
  });

  it('answers ResyncRequired: beyond the replay limit, for a cursor ahead, and for a non-member', async () => {
    const c = await aGroup();
    for (let i = 0; i < 7; i++) await post(c.id, `m${i}`); // replayLimit is 5
    const ahead = await aGroup();
    await post(ahead.id, 'only');
    const foreign = await store.conversations.create(aConversation(t), [
      { userId: ada.id, role: 'OWNER' },
    ]);
    const s = open(bob, [
      { conversationId: c.id, afterSeq: 0 },
      { conversationId: ahead.id, afterSeq: 9 },
      { conversationId: foreign.id, afterSeq: 0 },
    ]);
    await s.stream.started;
    expect(s.resyncs()).toEqual([
      `${c.id}:TOO_FAR_BEHIND`,
      `${ahead.id}:CURSOR_AHEAD`,
      `${foreign.id}:NOT_A_MEMBER`,
    ]);
    expect(s.bodies()).toEqual([]);
    // Live delivery continues after the resync point.
    await post(ahead.id, 'next');
    await post(c.id, 'later');
    await until('live after resync', () => s.bodies().length === 2);
    expect(s.bodies()).toEqual(['next', 'later']);
  });

  it('SINCE_JOINED: a cursor from an earlier membership replays its removal and re-adding, and no message of the time away', async () => {
    const c = await aGroup('SINCE_JOINED');
    const before = await post(c.id, 'before');
    await store.conversations.removeMember(t, c.id, bob.id, 'REMOVED', clock.now());
    await post(c.id, 'while away');
    await store.conversations.addMembers(
      t,
      c.id,
      [{ userId: bob.id, role: 'MEMBER' }],
      clock.now(),
    );
    const s = open(bob, [{ conversationId: c.id, afterSeq: before.seq }]);
    await s.stream.started;
    // The client keeps what it held (read-only while out) and needs no refetch.
    expect(s.resyncs()).toEqual([]);
    expect(s.events('MEMBERSHIP_CHANGED').map((e) => (e as { change: string }).change)).toEqual([
      'REMOVED',
      'ADDED',
    ]);
    await post(c.id, 'after');
    await until('after', () => s.bodies().includes('after'));
    expect(s.bodies()).toEqual(['after']);
  });

  it('SINCE_JOINED: a cursor from before the member ever joined gets HISTORY_CHANGED', async () => {
    const c = await store.conversations.create(
      aConversation(t, { historyVisibility: 'SINCE_JOINED' }),
      [{ userId: ada.id, role: 'OWNER' }],
    );
    await post(c.id, 'before bob');
    await store.conversations.addMembers(
      t,
      c.id,
      [{ userId: bob.id, role: 'MEMBER' }],
      clock.now(),
    );
    const s = open(bob, [{ conversationId: c.id, afterSeq: 0 }]);
    await s.stream.started;
    expect(s.resyncs()).toEqual([`${c.id}:HISTORY_CHANGED`]);
    expect(s.bodies()).toEqual([]);
  });

  it('keeps a removed member’s stream on the conversation read-only: edits of what they read, nothing new', async () => {
    const c = await aGroup('SINCE_JOINED');
    const s = open(bob, [{ conversationId: c.id, afterSeq: 0 }]);
    await s.stream.started;
    const kept = await post(c.id, 'kept');
    await until('kept', () => s.bodies().includes('kept'));
    const removed = await store.conversations.removeMember(
      t,
      c.id,
      bob.id,
      'REMOVED',
      clock.now(),
      ada.id,
    );
    await publisher.logged((await store.conversations.findById(t, c.id))!, removed!.event);
    await post(c.id, 'after removal');
    const edited = await store.messages.edit(
      t,
      kept.message.id,
      'kept, edited',
      { userIds: [], all: false },
      clock.now(),
    );
    await publisher.logged(
      (await store.conversations.findById(t, c.id))!,
      edited!.event,
      edited!.message,
    );
    const late = await post(c.id, 'later');
    const lateEdit = await store.messages.edit(
      t,
      late.message.id,
      'later, edited',
      { userIds: [], all: false },
      clock.now(),
    );
    await publisher.logged(
      (await store.conversations.findById(t, c.id))!,
      lateEdit!.event,
      lateEdit!.message,
    );
    await until('the edit', () => s.events('MESSAGE_UPDATED').length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.bodies()).toEqual(['kept']);
    expect(
      s.events('MESSAGE_UPDATED').map((e) => (e as { message: { body: string } }).message.body),
    ).toEqual(['kept, edited']);
    // Resuming after the removal, with the cursor it holds, replays the same and no more.
    const cursor = edited!.event.seq;
    const resumed = open(bob, [{ conversationId: c.id, afterSeq: removed!.event.seq }]);
    await resumed.stream.started;
    expect(resumed.resyncs()).toEqual([]);
    expect(resumed.bodies()).toEqual([]);
    expect(resumed.events('MESSAGE_UPDATED').map((e) => (e as { seq: number }).seq)).toEqual([
      cursor,
    ]);
  });

  it('ends a typing indicator when the typist’s message arrives, and on its own after the TTL', async () => {
    const c = await aGroup();
    const s = open(bob, [{ conversationId: c.id, afterSeq: 0 }]);
    await s.stream.started;
    const typing = (on: boolean) =>
      publisher.toConversation({
        type: 'TYPING',
        tenantId: t,
        conversationId: c.id,
        userId: ada.id,
        typing: on,
        user: ada,
      });
    await typing(true);
    await until('typing', () => s.events('TYPING').length === 1);
    await post(c.id, 'typed');
    await until('message', () => s.bodies().length === 1);
    expect(
      s.items
        .slice(-2)
        .map((i) =>
          i.kind === 'event' ? [i.event.type, 'typing' in i.event ? i.event.typing : null] : i.kind,
        ),
    ).toEqual([
      ['TYPING', false],
      ['MESSAGE_ADDED', null],
    ]);
    expect(clock.pendingTimers).toBe(0);
    await typing(true);
    await until('typing again', () => s.events('TYPING').length === 3);
    clock.advance(6_000);
    expect(s.events('TYPING').map((e) => (e as { typing: boolean }).typing)).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('shows presence it may see; tells a watcher once when it becomes hidden; leaks nothing after', async () => {
    const c = await aGroup(); // a group makes Ada a peer whose presence Bob watches
    expect(c.id).toBeTruthy();
    const s = open(bob);
    await s.stream.started;
    const presence = (user: User, status: 'ONLINE' | 'OFFLINE') =>
      publisher.toPresence({
        type: 'PRESENCE',
        tenantId: t,
        userId: user.id,
        status,
        lastSeenAt: null,
        user,
      });
    await presence(ada, 'ONLINE');
    clock.advance(250);
    await until('online shown', () => s.events('PRESENCE').length === 1);
    const hidden = await store.users.update(t, ada.id, { presencePrivacy: 'NOBODY' }, clock.now());
    await publisher.presenceVisibilityChanged([hidden!]);
    clock.advance(250);
    await until('hidden shown once', () => s.events('PRESENCE_VISIBILITY').length === 1);
    await presence(hidden!, 'OFFLINE');
    await presence(hidden!, 'ONLINE');
    clock.advance(250);
    await new Promise((r) => setTimeout(r, 30));
    expect(s.events('PRESENCE')).toHaveLength(1);
    expect(s.events('PRESENCE_VISIBILITY')).toHaveLength(1);
  });
});
