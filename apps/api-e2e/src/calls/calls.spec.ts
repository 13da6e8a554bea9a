import { createHmac } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, gql, ok, signUp, sleep, wsClient } from '../support';
import {
  appUser,
  createGroup,
  createTenant,
  expectCode,
  expectNoUnexpectedErrors,
  openDm,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';
import { removeDataDir } from '../support';

const TURN_SECRET = 'e2e-turn-shared-secret-0123456789';
const TURN_TTL = 600;
const INVITE_TIMEOUT_S = 5;
const DISCONNECT_GRACE_S = 10;

const CALL = 'id conversationId callerId calleeId media state endReason answeredAt';
const SIGNAL = `... on CallSignal { kind fromUserId sdp sdpType candidates endReason call { ${CALL} } }`;
const EVENTS = `subscription($since:[ConversationCursorInput!]){ chatEvents(since:$since){ __typename
  ${SIGNAL}
  ... on MessageAdded { seq message { id body sender { id } call { callId media outcome endReason durationSeconds } } } } }`;

const START = `mutation($c:ID!,$m:CallMedia!,$s:String!){ startCall(conversationId:$c, media:$m, sdp:$s){ ${CALL} } }`;
const ANSWER = `mutation($id:ID!,$s:String!){ answerCall(callId:$id, sdp:$s){ ${CALL} } }`;
const CANDIDATES = `mutation($id:ID!,$c:[String!]!){ sendCallCandidates(callId:$id, candidates:$c){ id } }`;
const RENEGOTIATE = `mutation($id:ID!,$s:String!){ renegotiateCall(callId:$id, sdp:$s, sdpType: offer){ id } }`;
const REJECT = `mutation($id:ID!){ rejectCall(callId:$id){ ${CALL} } }`;
const HANG_UP = `mutation($id:ID!){ hangUpCall(callId:$id){ ${CALL} } }`;

const OFFER =
  'v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const ANSWER_SDP =
  'v=0\r\no=- 7719 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const CANDIDATE = JSON.stringify({
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
});

type Signal = {
  kind: string;
  fromUserId: string;
  sdp: string | null;
  candidates: string[];
  endReason: string | null;
  call: { id: string; state: string; endReason: string | null };
};
type Added = {
  seq: number;
  message: {
    id: string;
    body: string;
    sender: { id: string };
    call: {
      callId: string;
      outcome: string;
      endReason: string;
      durationSeconds: number | null;
    } | null;
  };
};
type Event = { __typename: string } & Partial<Signal> & Partial<Added>;

/** One device: a signed-in session with its own chatEvents stream. */
interface Device {
  user: User;
  events: Collector<{ chatEvents: Event }>;
  client: Client;
}

describe('calls: signaling between the two parties only, call history, TURN credentials', () => {
  let api: ApiProcess;
  const devices: Device[] = [];

  beforeAll(async () => {
    api = await startMessagingApi({
      CALL_INVITE_TIMEOUT_SECONDS: String(INVITE_TIMEOUT_S),
      CALL_DISCONNECT_GRACE_SECONDS: String(DISCONNECT_GRACE_S),
      STUN_URIS: 'stun:turn.example.org:3478',
      TURN_URIS: 'turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349',
      TURN_SECRET,
      TURN_TTL_SECONDS: String(TURN_TTL),
    });
  });

  afterAll(async () => {
    for (const d of devices) {
      d.events.stop();
      await d.client.dispose();
    }
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  /** Signs the phone in once more (a second device of the same user). */
  async function phoneSession(name: string, phone: string): Promise<User> {
    const before = [...api.output().matchAll(new RegExp(`login code for \\${phone} `, 'g'))].length;
    await ok(api, 'mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', { p: phone });
    const pattern = new RegExp(`login code for \\${phone} in tenant default: (\\d{6})`, 'g');
    let code = '';
    for (const until = Date.now() + 5_000; Date.now() < until; await sleep(25)) {
      const matches = [...api.output().matchAll(pattern)];
      if (matches.length > before) {
        code = matches.at(-1)![1]!;
        break;
      }
    }
    const data = await ok<{ verifyLoginCode: { accessToken: string; user: { id: string } } }>(
      api,
      'mutation($p:String!,$c:String!,$n:String){ verifyLoginCode(phone:$p, code:$c, name:$n){ accessToken user { id } } }',
      { p: phone, c: code, n: name },
    );
    return { token: data.verifyLoginCode.accessToken, id: data.verifyLoginCode.user.id, name };
  }

  async function device(user: User, since: { conversationId: string; afterSeq: number }[] = []) {
    const client = wsClient(api, user.token);
    const events = new Collector<{ chatEvents: Event }>(client, EVENTS, { since });
    const d = { user, events, client };
    devices.push(d);
    await sleep(300); // the stream registers its topics before we act
    return d;
  }

  const signals = (d: Device, kind?: string) =>
    d.events.items
      .map((i) => i.chatEvents)
      .filter((e) => e.__typename === 'CallSignal' && (!kind || e.kind === kind)) as Signal[];
  const history = (d: Device) =>
    d.events.items
      .map((i) => i.chatEvents)
      .filter((e) => e.__typename === 'MessageAdded' && e.message?.call) as Added[];
  const waitSignal = (d: Device, kind: string, callId: string) =>
    d.events.until(
      () => signals(d, kind).some((s) => s.call.id === callId),
      10_000,
      `${kind} of ${callId} on ${d.user.name}`,
    );
  const start = async (from: User, c: string, media = 'VIDEO') =>
    (
      await ok<{ startCall: { id: string; state: string } }>(
        api,
        START,
        { c, m: media, s: OFFER },
        from.token,
      )
    ).startCall;

  it('rings every device of the callee; the first answer wins; only the parties hear anything', async () => {
    const ada = await signUp(api, 'Ada');
    const adaUser = { token: ada.accessToken, id: ada.userId, name: 'Ada' };
    const bobSession = await signUp(api, 'Bob');
    const bob1 = { token: bobSession.accessToken, id: bobSession.userId, name: 'Bob' };
    const bob2 = await phoneSession('Bob', bobSession.phone);
    const cy = await appUser(api, 'Cy');
    const secret = await createTenant(api, 'calls-other');
    const stranger = await appUser(api, 'Stranger', 'calls-other', secret);
    const dm = await openDm(api, adaUser, bob1);
    await openDm(api, cy, adaUser);

    const [adaDev, bobPhone, bobLaptop, cyDev, strangerDev] = await Promise.all([
      device(adaUser),
      device(bob1),
      device(bob2),
      device(cy),
      device(stranger),
    ]);

    const call = await start(adaUser, dm);
    expect(call.state).toBe('RINGING');
    await Promise.all([
      waitSignal(bobPhone, 'INVITE', call.id),
      waitSignal(bobLaptop, 'INVITE', call.id),
    ]);
    expect(signals(bobPhone, 'INVITE')[0]).toMatchObject({ sdp: OFFER, fromUserId: adaUser.id });
    expect(signals(adaDev, 'INVITE')).toEqual([]);

    // The caller's candidates ring along to every callee device until one answers.
    await ok(api, CANDIDATES, { id: call.id, c: [CANDIDATE] }, adaUser.token);
    await waitSignal(bobLaptop, 'CANDIDATES', call.id);

    // Both devices answer at once: exactly one wins.
    const answers = await Promise.all(
      [bob1, bob2].map((b) => gql(api, ANSWER, { id: call.id, s: ANSWER_SDP }, b.token)),
    );
    const won = answers.findIndex((a) => !a.errors);
    expect(won).toBeGreaterThanOrEqual(0);
    expectCode(answers[1 - won]!, 'CONFLICT');
    const [winner, loser] = won === 0 ? [bobPhone, bobLaptop] : [bobLaptop, bobPhone];

    await waitSignal(adaDev, 'ANSWERED', call.id);
    expect(signals(adaDev, 'ANSWERED')[0]).toMatchObject({ sdp: ANSWER_SDP, fromUserId: bob1.id });
    await waitSignal(loser, 'ANSWERED_ELSEWHERE', call.id);

    // From now on signals go to the answering device only; the other one may not signal.
    await ok(api, CANDIDATES, { id: call.id, c: [CANDIDATE, CANDIDATE] }, adaUser.token);
    await ok(api, CANDIDATES, { id: call.id, c: [CANDIDATE] }, winner.user.token);
    await waitSignal(adaDev, 'CANDIDATES', call.id);
    await winner.events.until(
      () => signals(winner, 'CANDIDATES').some((s) => s.candidates.length === 2),
      10_000,
      'batched candidates',
    );
    expectCode(
      await gql(api, CANDIDATES, { id: call.id, c: [CANDIDATE] }, loser.user.token),
      'FORBIDDEN',
    );
    await ok(api, RENEGOTIATE, { id: call.id, s: OFFER }, winner.user.token);
    await waitSignal(adaDev, 'RENEGOTIATE', call.id);

    // Nobody else can touch the call.
    expectCode(await gql(api, HANG_UP, { id: call.id }, cy.token), 'NOT_FOUND');
    expectCode(await gql(api, ANSWER, { id: call.id, s: ANSWER_SDP }, stranger.token), 'NOT_FOUND');

    // Busy: a third user calling either party is refused while the call lasts.
    const cyDm = await openDm(api, cy, bob1);
    expectCode(await gql(api, START, { c: cyDm, m: 'VOICE', s: OFFER }, cy.token), 'BUSY');

    await sleep(1100);
    const ended = (
      await ok<{ hangUpCall: { state: string; endReason: string } }>(
        api,
        HANG_UP,
        { id: call.id },
        winner.user.token,
      )
    ).hangUpCall;
    expect(ended).toMatchObject({ state: 'ENDED', endReason: 'HANGUP' });
    await Promise.all([adaDev, bobPhone, bobLaptop].map((d) => waitSignal(d, 'ENDED', call.id)));
    expect(signals(loser, 'CANDIDATES').filter((s) => s.candidates.length === 2)).toEqual([]);

    // The history records the call once, sent as the caller, with its duration.
    await adaDev.events.until(() => history(adaDev).length > 0, 10_000, 'call history');
    await bobLaptop.events.until(() => history(bobLaptop).length > 0, 10_000, 'call history');
    const line = history(adaDev)[0]!.message;
    expect(line.sender.id).toBe(adaUser.id);
    expect(line.call).toMatchObject({ callId: call.id, outcome: 'COMPLETED', endReason: 'HANGUP' });
    expect(line.call!.durationSeconds).toBeGreaterThanOrEqual(1);
    expect(line.body).toMatch(/^Video call \(\d+:\d\d\)$/);

    // The other user of the tenant and the other tenant got no call event at all.
    await sleep(300);
    expect(signals(cyDev)).toEqual([]);
    expect(signals(strangerDev)).toEqual([]);
    expect(history(cyDev)).toEqual([]);

    // Ended: answering or hanging up again is a conflict, not a crash.
    expectCode(await gql(api, HANG_UP, { id: call.id }, adaUser.token), 'CONFLICT');
  });

  it('declines, cancels, refuses strangers and blocked users, and checks what it is sent', async () => {
    const [ada, bob, dan] = await Promise.all(['Ada', 'Bob', 'Dan'].map((n) => appUser(api, n)));
    const dm = await openDm(api, ada, bob);
    const [adaDev, bobDev] = await Promise.all([device(ada), device(bob)]);

    // Bob declines: Ada hears DECLINED, the history says declined.
    const declined = await start(ada, dm, 'VOICE');
    await waitSignal(bobDev, 'INVITE', declined.id);
    expectCode(await gql(api, REJECT, { id: declined.id }, ada.token), 'FORBIDDEN');
    await ok(api, REJECT, { id: declined.id }, bob.token);
    await waitSignal(adaDev, 'ENDED', declined.id);
    expect(signals(adaDev, 'ENDED').at(-1)).toMatchObject({ endReason: 'DECLINED' });

    // Ada hangs up while it rings: CANCELLED for both, a missed call in the history.
    const cancelled = await start(ada, dm, 'VOICE');
    await waitSignal(bobDev, 'INVITE', cancelled.id);
    await ok(api, HANG_UP, { id: cancelled.id }, ada.token);
    await waitSignal(bobDev, 'ENDED', cancelled.id);
    expect(signals(bobDev, 'ENDED').at(-1)).toMatchObject({ endReason: 'CANCELLED' });
    await bobDev.events.until(() => history(bobDev).length >= 2, 10_000, 'two history lines');
    expect(
      history(bobDev).map((h) => [h.message.call!.callId, h.message.call!.outcome, h.message.body]),
    ).toEqual([
      [declined.id, 'DECLINED', 'Declined voice call'],
      [cancelled.id, 'MISSED', 'Missed voice call'],
    ]);

    // Groups have no calls; hostile session descriptions are refused with a stable code.
    const group = await createGroup(api, ada, [bob, dan], 'No calls');
    expectCode(await gql(api, START, { c: group, m: 'VOICE', s: OFFER }, ada.token), 'FORBIDDEN');
    for (const s of ['', 'hello', `v=0${'x'.repeat(40_000)}`, 'v=0\u0000'])
      expectCode(await gql(api, START, { c: dm, m: 'VOICE', s }, ada.token), 'BAD_USER_INPUT');

    // Blocked either way: no call.
    const dmDan = await openDm(api, dan, bob);
    await ok(api, 'mutation($u:ID!){ blockUser(userId:$u) }', { u: dan.id }, bob.token);
    expectCode(await gql(api, START, { c: dmDan, m: 'VIDEO', s: OFFER }, dan.token), 'BLOCKED');
    expectCode(await gql(api, START, { c: dmDan, m: 'VIDEO', s: OFFER }, bob.token), 'BLOCKED');
    expect(signals(bobDev).filter((s) => s.fromUserId === dan.id)).toEqual([]);

    // A block during a ringing call ends it at the next signal, for both, with reason BLOCKED.
    const ringing = await start(ada, dm, 'VOICE');
    await waitSignal(bobDev, 'INVITE', ringing.id);
    await ok(api, 'mutation($u:ID!){ blockUser(userId:$u) }', { u: ada.id }, bob.token);
    expectCode(await gql(api, ANSWER, { id: ringing.id, s: ANSWER_SDP }, bob.token), 'BLOCKED');
    await waitSignal(adaDev, 'ENDED', ringing.id);
    expect(signals(adaDev, 'ENDED').at(-1)).toMatchObject({ endReason: 'BLOCKED' });
  });

  it('an unanswered invite expires into a missed call; resuming replays the history, never the invite', async () => {
    const [ada, bob] = await Promise.all(['Ada', 'Bob'].map((n) => appUser(api, n)));
    const dm = await openDm(api, ada, bob);
    const [adaDev, bobDev] = await Promise.all([device(ada), device(bob)]);
    const call = await start(ada, dm);
    await waitSignal(bobDev, 'INVITE', call.id);
    const active = await ok<{ activeCalls: { id: string; offerSdp: string | null }[] }>(
      api,
      '{ activeCalls { id offerSdp } }',
      {},
      bob.token,
    );
    expect(active.activeCalls).toEqual([{ id: call.id, offerSdp: OFFER }]);

    // The invite timeout (5 s) passes with nobody answering: both sides hear MISSED.
    await bobDev.events.until(
      () => signals(bobDev, 'ENDED').some((s) => s.call.id === call.id),
      15_000,
      'expiry',
    );
    await adaDev.events.until(
      () => signals(adaDev, 'ENDED').some((s) => s.call.id === call.id),
      5_000,
      'expiry on the caller',
    );
    expect(signals(bobDev, 'ENDED').find((s) => s.call.id === call.id)).toMatchObject({
      endReason: 'MISSED',
    });
    expectCode(await gql(api, ANSWER, { id: call.id, s: ANSWER_SDP }, bob.token), 'CONFLICT');
    expect(
      (await ok<{ activeCalls: unknown[] }>(api, '{ activeCalls { id } }', {}, bob.token))
        .activeCalls,
    ).toEqual([]);

    // A device that resumes from before the call gets the missed call from the log, no invite.
    const resumed = await device(bob, [{ conversationId: dm, afterSeq: 0 }]);
    await resumed.events.until(() => history(resumed).length === 1, 10_000, 'replayed history');
    expect(history(resumed)[0]!.message.call).toMatchObject({
      callId: call.id,
      outcome: 'MISSED',
      durationSeconds: null,
    });
    await sleep(300);
    expect(signals(resumed)).toEqual([]);
  }, 30_000);

  it('limits call starts and signals per user, yet the caller can always hang up an answered call', async () => {
    const [ada, bob] = await Promise.all(['Ada', 'Bob'].map((n) => appUser(api, n)));
    const dm = await openDm(api, ada, bob);
    const [adaDev, bobDev] = await Promise.all([device(ada), device(bob)]);
    const call = await start(ada, dm, 'VOICE');
    await waitSignal(bobDev, 'INVITE', call.id);
    await ok(api, ANSWER, { id: call.id, s: ANSWER_SDP }, bob.token);
    await waitSignal(adaDev, 'ANSWERED', call.id);

    // 300 signals per 10 s per user: of 310 candidate batches sent at once, exactly 10 are refused.
    const sent: Awaited<ReturnType<typeof gql>>[] = [];
    for (let i = 0; i < 310; i += 62)
      sent.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(62, 310 - i) }, () =>
            gql(api, CANDIDATES, { id: call.id, c: [CANDIDATE] }, ada.token),
          ),
        )),
      );
    const refused = sent.filter((r) => r.errors);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expectCode(r, 'RATE_LIMITED');
      expect(r.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    }
    // The budget is per user: Bob still signals.
    await ok(api, CANDIDATES, { id: call.id, c: [CANDIDATE] }, bob.token);

    // Ending is never refused for rate: Ada, the caller, hangs up the answered call.
    const ended = (
      await ok<{ hangUpCall: { state: string; endReason: string } }>(
        api,
        HANG_UP,
        { id: call.id },
        ada.token,
      )
    ).hangUpCall;
    expect(ended).toMatchObject({ state: 'ENDED', endReason: 'HANGUP' });
    await Promise.all([adaDev, bobDev].map((d) => waitSignal(d, 'ENDED', call.id)));
    expect(signals(bobDev, 'ENDED').at(-1)).toMatchObject({
      endReason: 'HANGUP',
      fromUserId: ada.id,
    });
    await bobDev.events.until(() => history(bobDev).length === 1, 10_000, 'history line');
    expect(history(bobDev)[0]!.message.call).toMatchObject({
      callId: call.id,
      outcome: 'COMPLETED',
      endReason: 'HANGUP',
    });

    // 10 call starts a minute per user, refused ones (BUSY) included: Ada started one above,
    // the second rings, 8 more find the line busy, and the 11th is refused for rate.
    const second = await start(ada, dm, 'VOICE');
    for (let i = 0; i < 8; i++)
      expectCode(await gql(api, START, { c: dm, m: 'VOICE', s: OFFER }, ada.token), 'BUSY');
    const limited = await gql(api, START, { c: dm, m: 'VOICE', s: OFFER }, ada.token);
    expectCode(limited, 'RATE_LIMITED');
    expect(limited.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Cancelling still works, and the next start is refused for rate, not BUSY.
    await ok(api, HANG_UP, { id: second.id }, ada.token);
    expectCode(await gql(api, START, { c: dm, m: 'VOICE', s: OFFER }, ada.token), 'RATE_LIMITED');
    // Bob's starts are his own.
    const back = await start(bob, dm, 'VOICE');
    await ok(api, HANG_UP, { id: back.id }, bob.token);
  });

  it('an answered call whose party left without hanging up ends as FAILED after the grace', async () => {
    const [ada, bob] = await Promise.all(['Ada', 'Bob'].map((n) => appUser(api, n)));
    const dm = await openDm(api, ada, bob);
    const [adaDev, bobDev] = await Promise.all([device(ada), device(bob)]);
    const call = await start(ada, dm, 'VOICE');
    await waitSignal(bobDev, 'INVITE', call.id);
    await ok(api, ANSWER, { id: call.id, s: ANSWER_SDP }, bob.token);
    await waitSignal(adaDev, 'ANSWERED', call.id);

    // Bob's only device goes away without hanging up (a closed tab, a dead battery).
    devices.splice(devices.indexOf(bobDev), 1);
    bobDev.events.stop();
    await bobDev.client.dispose();
    const gone = Date.now();
    await sleep(1_000);
    // Within the grace the call goes on (Bob may just be reloading): Ada is still busy.
    expectCode(await gql(api, START, { c: dm, m: 'VOICE', s: OFFER }, ada.token), 'BUSY');

    await adaDev.events.until(
      () => signals(adaDev, 'ENDED').some((s) => s.call.id === call.id),
      30_000,
      'the abandoned call ends',
    );
    expect(Date.now() - gone).toBeGreaterThanOrEqual((DISCONNECT_GRACE_S - 1) * 1000);
    expect(signals(adaDev, 'ENDED').find((s) => s.call.id === call.id)).toMatchObject({
      endReason: 'FAILED',
      fromUserId: bob.id,
      call: { state: 'ENDED', endReason: 'FAILED' },
    });
    // The history dates the end when Bob was first seen gone: the grace is not in the duration.
    await adaDev.events.until(() => history(adaDev).length === 1, 10_000, 'history line');
    const line = history(adaDev)[0]!.message.call!;
    expect(line).toMatchObject({ callId: call.id, outcome: 'COMPLETED', endReason: 'FAILED' });
    expect(line.durationSeconds).toBeLessThan(DISCONNECT_GRACE_S);

    // Nobody is busy any more.
    const again = await start(ada, dm, 'VOICE');
    expect(again.state).toBe('RINGING');
    await ok(api, HANG_UP, { id: again.id }, ada.token);
  }, 45_000);

  it('hands out STUN and TURN REST credentials that verify with the shared secret and expire', async () => {
    const ada = await appUser(api, 'Ada');
    const before = Math.floor(Date.now() / 1000);
    const { iceServers } = await ok<{
      iceServers: {
        turnConfigured: boolean;
        expiresAt: string;
        servers: { urls: string[]; username: string | null; credential: string | null }[];
      };
    }>(
      api,
      '{ iceServers { turnConfigured expiresAt servers { urls username credential } } }',
      {},
      ada.token,
    );
    expect(iceServers.turnConfigured).toBe(true);
    const [stun, turn] = iceServers.servers;
    expect(stun).toEqual({
      urls: ['stun:turn.example.org:3478'],
      username: null,
      credential: null,
    });
    expect(turn!.urls).toEqual([
      'turn:turn.example.org:3478?transport=udp',
      'turns:turn.example.org:5349',
    ]);
    const [expiry, userId] = turn!.username!.split(':');
    expect(userId).toBe(ada.id);
    // coturn's check: the password is base64(HMAC-SHA1(secret, username))...
    expect(turn!.credential).toBe(
      createHmac('sha1', TURN_SECRET).update(turn!.username!).digest('base64'),
    );
    expect(turn!.credential).not.toBe(
      createHmac('sha1', 'another-secret').update(turn!.username!).digest('base64'),
    );
    // ...and the username's timestamp is when it stops being accepted: TURN_TTL_SECONDS from now.
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + TURN_TTL);
    expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + TURN_TTL);
    expect(new Date(iceServers.expiresAt).getTime()).toBe(Number(expiry) * 1000);
  });
});
