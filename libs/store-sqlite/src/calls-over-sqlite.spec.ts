import {
  CallHistory,
  CallSignal,
  ChatStreams,
  ConversationAccess,
  ConversationWatch,
  CoreSettings,
  InMemoryEventBus,
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
let t: string;
let ada: User;
let bob: User;
let dm: string;
const opened: { stop(): Promise<void> }[] = [];

beforeEach(async () => {
  store = SqliteStore.open({ file: ':memory:' });
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  const settings = new CoreSettings({ reconcileIntervalMs: 0, callInviteTimeoutMs: 45_000 });
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
});
