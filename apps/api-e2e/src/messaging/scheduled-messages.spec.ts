import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir, startApi } from '../support';
import {
  ADMIN_TOKEN,
  allMessages,
  appUser,
  createGroup,
  DEFAULT_SECRET,
  expectCode,
  newClientId,
  openDm,
  RANDOM_ID,
  startMessagingApi,
  User,
} from './messaging-helpers';

const FIELDS = 'id conversationId clientMessageId body sendAt state failure';
const SCHEDULE = `mutation($c:ID!,$k:String!,$b:String!,$t:DateTime!){ scheduleMessage(input:{conversationId:$c, clientMessageId:$k, body:$b, sendAt:$t}){ ${FIELDS} } }`;
const LIST = `query($c:ID){ scheduledMessages(conversationId:$c){ ${FIELDS} } }`;
const UPDATE = `mutation($id:ID!,$b:String,$t:DateTime){ updateScheduledMessage(input:{id:$id, body:$b, sendAt:$t}){ ${FIELDS} } }`;
const CANCEL = 'mutation($id:ID!){ cancelScheduledMessage(id:$id) }';

interface Scheduled {
  id: string;
  conversationId: string;
  clientMessageId: string;
  body: string;
  sendAt: string;
  state: string;
  failure: string | null;
}

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | null>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const schedule = (
  api: ApiProcess,
  who: User,
  c: string,
  body: string,
  sendAt: string,
  k = newClientId(),
) => gql<{ scheduleMessage: Scheduled }>(api, SCHEDULE, { c, k, b: body, t: sendAt }, who.token);
const list = async (api: ApiProcess, who: User, c: string | null = null) =>
  (await ok<{ scheduledMessages: Scheduled[] }>(api, LIST, { c }, who.token)).scheduledMessages;

describe('scheduled messages', () => {
  let api: ApiProcess;
  let ada: User;
  let bob: User;
  let cy: User;
  let group: string;

  beforeAll(async () => {
    api = await startMessagingApi({
      SCHEDULER_INTERVAL_MS: '200',
      SCHEDULED_MESSAGES_PER_USER: '5',
    });
    [ada, bob, cy] = await Promise.all([
      appUser(api, 'Ada'),
      appUser(api, 'Bob'),
      appUser(api, 'Cy'),
    ]);
    group = await createGroup(api, ada, [bob, cy], 'Later');
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('schedules, lists, edits and cancels; only the sender sees or changes it', async () => {
    const body = 'see you $& at 東京 \u202e tomorrow';
    const k = newClientId();
    const first = await schedule(api, ada, group, body, inMs(3_600_000), k);
    const s = first.data!.scheduleMessage;
    expect(s).toMatchObject({
      conversationId: group,
      clientMessageId: k,
      body,
      state: 'PENDING',
      failure: null,
    });
    // A true retry answers the first; the same key for something else is a CONFLICT.
    const retry = await schedule(api, ada, group, body, s.sendAt, k);
    expect(retry.data?.scheduleMessage.id).toBe(s.id);
    expectCode(await schedule(api, ada, group, 'other', s.sendAt, k), 'CONFLICT');
    expect((await list(api, ada, group)).map((m) => m.id)).toEqual([s.id]);
    expect(await list(api, bob)).toEqual([]);

    const later = inMs(7_200_000);
    const edited = await ok<{ updateScheduledMessage: Scheduled }>(
      api,
      UPDATE,
      { id: s.id, b: 'changed', t: later },
      ada.token,
    );
    expect(edited.updateScheduledMessage).toMatchObject({ body: 'changed', sendAt: later });
    expectCode(await gql(api, UPDATE, { id: s.id, b: 'mine now' }, bob.token), 'NOT_FOUND');
    expectCode(await gql(api, CANCEL, { id: s.id }, bob.token), 'NOT_FOUND');
    expectCode(await gql(api, CANCEL, { id: RANDOM_ID }, ada.token), 'NOT_FOUND');
    expect((await ok(api, CANCEL, { id: s.id }, ada.token)).cancelScheduledMessage).toBe(true);
    expect(await list(api, ada, group)).toEqual([]);
    expectCode(await gql(api, CANCEL, { id: s.id }, ada.token), 'NOT_FOUND');
  });

  it('refuses a past time, a time over a year ahead, bad input, strangers, and more than the cap', async () => {
    expectCode(await schedule(api, ada, group, 'x', inMs(-1000)), 'BAD_USER_INPUT', 'sendAt');
    expectCode(
      await schedule(api, ada, group, 'x', inMs(366 * 86_400_000)),
      'BAD_USER_INPUT',
      'sendAt',
    );
    expectCode(await schedule(api, ada, group, '   ', inMs(60_000)), 'BAD_USER_INPUT', 'body');
    expectCode(
      await schedule(api, ada, group, 'x'.repeat(4001), inMs(60_000)),
      'BAD_USER_INPUT',
      'body',
    );
    expectCode(
      await schedule(api, ada, group, 'x', inMs(60_000), 'bad key!'),
      'BAD_USER_INPUT',
      'clientMessageId',
    );
    const stranger = await appUser(api, 'Stranger');
    expectCode(await schedule(api, stranger, group, 'x', inMs(60_000)), 'NOT_FOUND');
    expectCode(await gql(api, LIST, { c: group }, stranger.token), 'NOT_FOUND');
    for (let i = 0; i < 5; i++)
      expect((await schedule(api, cy, group, `n${i}`, inMs(3_600_000 + i))).errors).toBeUndefined();
    expectCode(await schedule(api, cy, group, 'one too many', inMs(3_600_000)), 'QUOTA_EXCEEDED');
    for (const s of await list(api, cy)) await ok(api, CANCEL, { id: s.id }, cy.token);
  });

  it('sends the message once at its time, with its clientMessageId and the edited body', async () => {
    const k = newClientId();
    const s = (await schedule(api, bob, group, 'draft', inMs(1_500), k)).data!.scheduleMessage;
    await ok(api, UPDATE, { id: s.id, b: 'final words' }, bob.token);
    const sent = await waitFor('the scheduled message', async () => {
      const found = (await allMessages(api, bob, group)).filter((m) => m.clientMessageId === k);
      return found.length > 0 ? found : null;
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ body: 'final words', sender: { id: bob.id } });
    expect(await list(api, bob)).toEqual([]);
    await sleep(600);
    expect(
      (await allMessages(api, bob, group)).filter((m) => m.clientMessageId === k),
    ).toHaveLength(1);
    // Too late to change it.
    expectCode(await gql(api, UPDATE, { id: s.id, b: 'again' }, bob.token), 'NOT_FOUND');
  });

  it('fails with the reason, visible in the list, when the sender may no longer send', async () => {
    const leaver = await appUser(api, 'Leaver');
    const g2 = await createGroup(api, ada, [leaver], 'Soon left');
    const left = (await schedule(api, leaver, g2, 'bye', inMs(1_500))).data!.scheduleMessage;
    await ok(
      api,
      'mutation($c:ID!){ leaveConversation(conversationId:$c) }',
      { c: g2 },
      leaver.token,
    );

    const dm = await openDm(api, cy, ada);
    await ok(
      api,
      'mutation($c:ID!,$k:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:"hi"}){ id } }',
      { c: dm, k: newClientId() },
      cy.token,
    );
    const blocked = (await schedule(api, cy, dm, 'later', inMs(1_500))).data!.scheduleMessage;
    await ok(api, 'mutation($u:ID!){ blockUser(userId:$u) }', { u: cy.id }, ada.token);

    const failedLeft = await waitFor('the leaver’s failure', async () => {
      const [s] = await list(api, leaver);
      return s?.state === 'FAILED' ? s : null;
    });
    expect(failedLeft).toMatchObject({ id: left.id, failure: 'NOT_A_MEMBER' });
    const failedBlocked = await waitFor('the blocked failure', async () => {
      const s = (await list(api, cy, dm))[0];
      return s?.state === 'FAILED' ? s : null;
    });
    expect(failedBlocked).toMatchObject({ id: blocked.id, failure: 'BLOCKED' });
    expect((await allMessages(api, ada, dm)).map((m) => m.body)).toEqual(['hi']);
    // A failed message is dismissed with cancel.
    expect((await ok(api, CANCEL, { id: blocked.id }, cy.token)).cancelScheduledMessage).toBe(true);
    expect(await list(api, cy, dm)).toEqual([]);
  });
});

describe('scheduled messages across a restart', () => {
  it('fires a message that fell due while the server was down, once, when it starts again', async () => {
    const env = {
      ADMIN_TOKEN,
      DEFAULT_TENANT_SECRET: DEFAULT_SECRET,
      SCHEDULER_INTERVAL_MS: '200',
    };
    let api = await startApi(env);
    const dataDir = api.dataDir;
    try {
      const [ada, bob] = [await appUser(api, 'Ada'), await appUser(api, 'Bob')];
      const group = await createGroup(api, ada, [bob], 'Restart');
      const k = newClientId();
      const s = (await schedule(api, ada, group, 'while you were out', inMs(2_500), k)).data!
        .scheduleMessage;
      expect(s.state).toBe('PENDING');
      await api.stop();
      // Down across sendAt.
      await sleep(Math.max(0, Date.parse(s.sendAt) - Date.now()) + 1_000);
      api = await startApi(env, { dataDir });
      const sent = await waitFor('the overdue message', async () => {
        const found = (await allMessages(api, ada, group)).filter((m) => m.clientMessageId === k);
        return found.length > 0 ? found : null;
      });
      expect(sent.map((m) => m.body)).toEqual(['while you were out']);
      expect(await list(api, ada)).toEqual([]);
      await api.stop();
      api = await startApi(env, { dataDir });
      await sleep(800);
      expect(
        (await allMessages(api, ada, group)).filter((m) => m.clientMessageId === k),
      ).toHaveLength(1);
    } finally {
      await api.stop();
      removeDataDir(api);
    }
  }, 90_000);
});
