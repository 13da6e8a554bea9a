import {
  AbandonedCalls,
  CallHistory,
  CallSignal,
  ChatStreams,
  ConversationAccess,
  ConversationWatch,
  CoreSettings,
  InMemoryEventBus,
  InMemoryPresenceStore,
  InMemoryRateLimiter,
  ManageCalls,
  ManualClock,
  RealtimePublisher,
  StreamItem,
  TopicRouter,
  User,
  UserViewPolicy,
} from '@chatter/core';
import { aDirectConversation, aTenantId, aUser, ThrowingReporter, until } from '@chatter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store';

/**
 * Calls over a real (in-memory) SQLite store, the in-memory bus and the core's ChatStream, on a
 * manual clock: which device hears which signal, and the invite timer turning into a missed call.
 */

const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';

let store: SqliteStore;
let clock: ManualClock;
let streams: ChatStreams;
let router: TopicRouter;
let calls: ManageCalls;
let presence: InMemoryPresenceStore;
let abandoned: AbandonedCalls;
let t: string;
let ada: User;
let bob: User;
let dm: string;
const opened: { stop(): Promise<void> }[] = [];

beforeEach(async () => {
  store = SqliteStore.open({ file: ':memory:' });
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  const settings = new CoreSettings({
    reconcileIntervalMs: 0,
    callInviteTimeoutMs: 45_000,
    callDisconnectGraceMs: 60_000,
  });
  const bus = new InMemoryEventBus();
  router = new TopicRouter(bus);
  const publisher = new RealtimePublisher(bus, new ThrowingReporter());
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
  calls = new ManageCalls(
    store.calls,
    new ConversationAccess(store.conversations),
    store.blocks,
    new CallHistory(store.conversations, store.messages, publisher),
    publisher,
    new InMemoryRateLimiter({ clock }),
    settings,
    clock,
  );
  presence = new InMemoryPresenceStore();
  abandoned = new AbandonedCalls(store.calls, presence, calls, settings, clock);
  t = aTenantId();
  ada = await store.users.create(aUser(t, { name: 'Ada' }));
  bob = await store.users.create(aUser(t, { name: 'Bob' }));
  dm = (
    await store.conversations.create(aDirectConversation(t, ada.id, bob.id), [
      { userId: ada.id, role: 'MEMBER' },
      { userId: bob.id, role: 'MEMBER' },
    ])
  ).id;
});

afterEach(async () => {
  for (const s of opened.splice(0)) await s.stop();
  router.close();
  await store.close();
});

const actor = (user: User, sessionId: string) => ({ tenantId: t, userId: user.id, sessionId });

async function device(user: User, sessionId: string) {
  const items: StreamItem[] = [];
  const stream = streams.open(actor(user, sessionId) as never, null, (i) => items.push(i));
  opened.push(stream);
  // Interest is registered at open: what arrives during the (empty) replay is buffered.
  await new Promise((r) => setImmediate(r));
  const signals = (): CallSignal['kind'][] =>
    items.flatMap((i) =>
      i.kind === 'event' && i.event.type === 'CALL' ? [i.event.signal.kind] : [],
    );
  const history = () =>
    items.flatMap((i) =>
      i.kind === 'event' && i.event.type === 'MESSAGE_ADDED' && i.event.message.call
        ? [i.event.message.call]
        : [],
    );
  return { items, signals, history };
}

describe('calls over SQLite and the chat stream', () => {
  it('each signal reaches exactly the devices it is for', async () => {
    const [adaPhone, adaLaptop, bobPhone, bobLaptop] = [
      await device(ada, 'ada-phone'),
      await device(ada, 'ada-laptop'),
      await device(bob, 'bob-phone'),
      await device(bob, 'bob-laptop'),
    ];
    const call = await calls.start(actor(ada, 'ada-phone'), {
      conversationId: dm,
      media: 'VOICE',
      sdp: OFFER,
    });
    await until(
      'invites',
      () => bobPhone.signals().length === 1 && bobLaptop.signals().length === 1,
    );
    await calls.candidates(actor(ada, 'ada-phone'), call.id, ['{"candidate":"a"}']);
    await until('ringing candidates', () => bobLaptop.signals().length === 2);
    await calls.answer(actor(bob, 'bob-laptop'), call.id, OFFER);
    await until('answer', () => adaPhone.signals().includes('ANSWERED'));
    await until('elsewhere', () => bobPhone.signals().includes('ANSWERED_ELSEWHERE'));
    await calls.candidates(actor(ada, 'ada-phone'), call.id, ['{"candidate":"b"}']);
    await until('candidates to the answering device', () => bobLaptop.signals().length === 3);
    await calls.hangUp(actor(ada, 'ada-phone'), call.id);
    for (const d of [adaPhone, adaLaptop, bobPhone, bobLaptop])
      await until('ended everywhere', () => d.signals().includes('ENDED'));

    expect(adaPhone.signals()).toEqual(['ANSWERED', 'ENDED']);
    expect(adaLaptop.signals()).toEqual(['ENDED']);
    expect(bobLaptop.signals()).toEqual(['INVITE', 'CANDIDATES', 'CANDIDATES', 'ENDED']);
    expect(bobPhone.signals()).toEqual(['INVITE', 'CANDIDATES', 'ANSWERED_ELSEWHERE', 'ENDED']);
    await until('history', () => adaLaptop.history().length === 1);
    expect(adaLaptop.history()[0]).toMatchObject({ outcome: 'COMPLETED', endReason: 'HANGUP' });
  });

  it('an invite nobody answers becomes a missed call when its time is up, not before', async () => {
    const bobPhone = await device(bob, 'bob-phone');
    const call = await calls.start(actor(ada, 'ada-phone'), {
      conversationId: dm,
      media: 'VIDEO',
      sdp: OFFER,
    });
    clock.advance(44_999);
    expect((await store.calls.findById(t, call.id))?.state).toBe('RINGING');
    expect(await calls.expireDue()).toBe(0);
    clock.advance(1);
    await until('missed', () => bobPhone.signals().includes('ENDED'));
    expect(await store.calls.findById(t, call.id)).toMatchObject({
      state: 'ENDED',
      endReason: 'MISSED',
    });
    await until('history', () => bobPhone.history().length === 1);
    expect(bobPhone.history()[0]).toMatchObject({
      callId: call.id,
      outcome: 'MISSED',
      durationSeconds: null,
    });
    // The sweep finds nothing left, and a late answer is refused.
    expect(await calls.expireDue()).toBe(0);
    await expect(calls.answer(actor(bob, 'bob-phone'), call.id, OFFER)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
  it('an answered call a party left without hanging up ends after the grace, dated when they went', async () => {
    // Connections stay alive here until closed (the TTL stands in for the heartbeats).
    const online = (user: User, connection: string) =>
      presence.connect(t, user.id, connection, 3_600_000, clock.now());
    const offline = (user: User, connection: string) =>
      presence.disconnect(t, user.id, connection, clock.now());
    await online(ada, 'ada-ws');
    await online(bob, 'bob-ws');
    const adaPhone = await device(ada, 'ada-phone');
    const call = await calls.start(actor(ada, 'ada-phone'), {
      conversationId: dm,
      media: 'VOICE',
      sdp: OFFER,
    });
    clock.advance(2_000);
    await calls.answer(actor(bob, 'bob-laptop'), call.id, OFFER);
    clock.advance(10_000);
    expect(await abandoned.sweep()).toBe(0);

    // Bob reloads: gone for 20 s, back within the grace, so the call goes on.
    await offline(bob, 'bob-ws');
    expect(await abandoned.sweep()).toBe(0);
    clock.advance(20_000);
    expect(await abandoned.sweep()).toBe(0);
    await online(bob, 'bob-ws-2');
    clock.advance(50_000);
    expect(await abandoned.sweep()).toBe(0);
    expect((await store.calls.findById(t, call.id))?.state).toBe('ACTIVE');

    // Bob's laptop dies: still ACTIVE just before the grace is over, FAILED at it.
    await offline(bob, 'bob-ws-2');
    const gone = clock.now();
    expect(await abandoned.sweep()).toBe(0);
    clock.advance(59_999);
    expect(await abandoned.sweep()).toBe(0);
    clock.advance(1);
    expect(await abandoned.sweep()).toBe(1);
    expect(await store.calls.findById(t, call.id)).toMatchObject({
      state: 'ENDED',
      endReason: 'FAILED',
      endedAt: gone,
    });
    await until('ended', () => adaPhone.signals().includes('ENDED'));
    await until('history', () => adaPhone.history().length === 1);
    // Answered 2 s in, gone 80 s later: the grace is not counted.
    expect(adaPhone.history()[0]).toMatchObject({
      callId: call.id,
      outcome: 'COMPLETED',
      endReason: 'FAILED',
      durationSeconds: 80,
    });
    // Neither is busy any more, and the next sweep has nothing to do.
    expect(await calls.live(actor(ada, 'ada-phone'))).toEqual([]);
    expect(await abandoned.sweep()).toBe(0);
  });

  it('never ends a ringing call for presence, and keeps sweeping through many answered calls', async () => {
    const call = await calls.start(actor(ada, 'ada-phone'), {
      conversationId: dm,
      media: 'VOICE',
      sdp: OFFER,
    });
    expect(await abandoned.sweep()).toBe(0);
    clock.advance(44_000);
    expect(await abandoned.sweep()).toBe(0);
    expect((await store.calls.findById(t, call.id))?.state).toBe('RINGING');

    // Five answered calls between pairs nobody is connected as, swept in pages of two.
    const pairs = await Promise.all(
      [1, 2, 3, 4, 5].map(async (i) => {
        const a = await store.users.create(aUser(t, { name: `A${i}` }));
        const b = await store.users.create(aUser(t, { name: `B${i}` }));
        const c = await store.conversations.create(aDirectConversation(t, a.id, b.id), [
          { userId: a.id, role: 'MEMBER' },
          { userId: b.id, role: 'MEMBER' },
        ]);
        const started = await calls.start(actor(a, `a${i}`), {
          conversationId: c.id,
          media: 'VOICE',
          sdp: OFFER,
        });
        await calls.answer(actor(b, `b${i}`), started.id, OFFER);
        return started.id;
      }),
    );
    expect(await abandoned.sweep(2)).toBe(0);
    clock.advance(60_000);
    expect(await abandoned.sweep(2)).toBe(5);
    for (const id of pairs)
      expect(await store.calls.findById(t, id)).toMatchObject({
        state: 'ENDED',
        endReason: 'FAILED',
      });
  });
});
