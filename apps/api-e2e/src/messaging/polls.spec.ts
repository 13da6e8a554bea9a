import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, gql, removeDataDir, wsClient } from '../support';
import {
  appUser,
  createGroup,
  expectCode,
  expectNoUnexpectedErrors,
  newClientId,
  RANDOM_ID,
  startMessagingApi,
  User,
} from './messaging-helpers';

const POLL_FIELDS =
  'id seq body poll { question multipleChoice anonymous closedAt totalVoters myVotes options { id text voteCount voters { id } } }';
const SEND_POLL = `mutation($i:SendPollInput!){ sendPoll(input:$i){ ${POLL_FIELDS} } }`;
const VOTE = `mutation($m:ID!,$o:[ID!]!){ votePoll(messageId:$m, optionIds:$o){ ${POLL_FIELDS} } }`;
const CLOSE = `mutation($m:ID!){ closePoll(messageId:$m){ ${POLL_FIELDS} } }`;
const STREAM = `subscription($since:[ConversationCursorInput!]) { chatEvents(since:$since) { __typename
  ... on MessageAdded { seq message { ${POLL_FIELDS} } }
  ... on MessageUpdated { seq message { ${POLL_FIELDS} } } } }`;

interface PollView {
  question: string;
  multipleChoice: boolean;
  anonymous: boolean;
  closedAt: string | null;
  totalVoters: number;
  myVotes: string[];
  options: { id: string; text: string; voteCount: number; voters: { id: string }[] }[];
}
interface PollMsg {
  id: string;
  seq: number;
  body: string;
  poll: PollView | null;
}
interface Ev {
  chatEvents: { __typename: string; seq?: number; message?: PollMsg };
}

describe('polls', () => {
  let api: ApiProcess;
  let ann: User;
  let ben: User;
  let cat: User;
  let stranger: User;

  beforeAll(async () => {
    api = await startMessagingApi();
    [ann, ben, cat, stranger] = await Promise.all([
      appUser(api, 'Poll Ann'),
      appUser(api, 'Poll Ben'),
      appUser(api, 'Poll Cat'),
      appUser(api, 'Poll Stranger'),
    ]);
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const sendPoll = (who: User, input: Record<string, unknown>) =>
    gql<{ sendPoll: PollMsg }>(api, SEND_POLL, { i: input }, who.token);
  const vote = (who: User, m: string, o: string[]) =>
    gql<{ votePoll: PollMsg }>(api, VOTE, { m, o }, who.token);
  const created = async (who: User, input: Record<string, unknown>) => {
    const r = await sendPoll(who, { clientMessageId: newClientId(), ...input });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data!.sendPoll;
  };
  const counts = (m: PollMsg) => m.poll!.options.map((o) => o.voteCount);

  it('creates a poll; members vote, change and retract; a retry returns the same poll', async () => {
    const group = await createGroup(api, ann, [ben, cat], 'Lunch');
    const clientMessageId = newClientId();
    const input = {
      conversationId: group,
      clientMessageId,
      question: 'Where to eat?',
      options: ['Pizza', 'Sushi', 'Tacos'],
    };
    const first = await sendPoll(ann, input);
    expect(first.errors).toBeUndefined();
    const poll = first.data!.sendPoll;
    expect(poll.body).toBe('Where to eat?');
    expect(poll.poll).toMatchObject({
      question: 'Where to eat?',
      multipleChoice: false,
      anonymous: false,
      closedAt: null,
      totalVoters: 0,
      myVotes: [],
    });
    expect(poll.poll!.options.map((o) => o.text)).toEqual(['Pizza', 'Sushi', 'Tacos']);
    const retry = await sendPoll(ann, input);
    expect(retry.data!.sendPoll.id).toBe(poll.id);
    expectCode(
      await sendPoll(ann, { ...input, options: ['Pizza', 'Sushi'] }),
      'CONFLICT',
      'clientMessageId',
    );

    const [pizza, sushi] = poll.poll!.options.map((o) => o.id);
    let r = await vote(ben, poll.id, [pizza!]);
    expect(counts(r.data!.votePoll)).toEqual([1, 0, 0]);
    expect(r.data!.votePoll.poll!.myVotes).toEqual([pizza]);
    expect(r.data!.votePoll.poll!.options[0]!.voters.map((v) => v.id)).toEqual([ben.id]);
    r = await vote(cat, poll.id, [pizza!]);
    expect(r.data!.votePoll.poll!.totalVoters).toBe(2);
    r = await vote(ben, poll.id, [sushi!]);
    expect(counts(r.data!.votePoll)).toEqual([1, 1, 0]);
    expectCode(await vote(ben, poll.id, [pizza!, sushi!]), 'BAD_USER_INPUT', 'optionIds');
    expectCode(await vote(ben, poll.id, ['99']), 'BAD_USER_INPUT', 'optionIds');
    r = await vote(ben, poll.id, []);
    expect(counts(r.data!.votePoll)).toEqual([1, 0, 0]);
    expect(r.data!.votePoll.poll!.myVotes).toEqual([]);
    expect(r.data!.votePoll.poll!.totalVoters).toBe(1);
    // Poll messages are not edited.
    expectCode(
      await gql(
        api,
        'mutation($id:ID!){ editMessage(id:$id, body:"x"){ id } }',
        { id: poll.id },
        ann.token,
      ),
      'BAD_USER_INPUT',
      'id',
    );
  });

  it('multiple choice takes several options; anonymous polls never show voters', async () => {
    const group = await createGroup(api, ann, [ben], 'Multi');
    const multi = await created(ann, {
      conversationId: group,
      question: 'Which days?',
      options: ['Mon', 'Tue', 'Wed'],
      multipleChoice: true,
    });
    const r = await vote(ben, multi.id, ['0', '2']);
    expect(counts(r.data!.votePoll)).toEqual([1, 0, 1]);
    expect(r.data!.votePoll.poll!.totalVoters).toBe(1);

    const secret = await created(ann, {
      conversationId: group,
      question: 'Secret?',
      options: ['Yes', 'No'],
      anonymous: true,
    });
    const v = await vote(ben, secret.id, ['0']);
    expect(v.data!.votePoll.poll!.myVotes).toEqual(['0']);
    for (const who of [ann, ben]) {
      const seen = await gql<{ messages: { edges: { node: PollMsg }[] } }>(
        api,
        `query($c:ID!){ messages(conversationId:$c, last:10){ edges { node { ${POLL_FIELDS} } } } }`,
        { c: group },
        who.token,
      );
      const node = seen.data!.messages.edges.map((e) => e.node).find((n) => n.id === secret.id)!;
      expect(counts(node)).toEqual([1, 0]);
      expect(node.poll!.options.every((o) => o.voters.length === 0)).toBe(true);
      expect(JSON.stringify(node)).not.toContain(ben.id);
    }
  });

  it('a closed poll refuses votes with POLL_CLOSED; only the creator or an admin closes it', async () => {
    const group = await createGroup(api, ann, [ben], 'Close');
    const poll = await created(ann, { conversationId: group, question: 'Q?', options: ['a', 'b'] });
    expectCode(await gql(api, CLOSE, { m: poll.id }, ben.token), 'FORBIDDEN');
    const closed = await gql<{ closePoll: PollMsg }>(api, CLOSE, { m: poll.id }, ann.token);
    expect(closed.data!.closePoll.poll!.closedAt).not.toBeNull();
    expectCode(await vote(ben, poll.id, ['0']), 'POLL_CLOSED');

    const byBen = await created(ben, {
      conversationId: group,
      question: 'Ben?',
      options: ['a', 'b'],
    });
    // Ann owns the group: an admin closes anyone's poll.
    const adminClose = await gql<{ closePoll: PollMsg }>(api, CLOSE, { m: byBen.id }, ann.token);
    expect(adminClose.data!.closePoll.poll!.closedAt).not.toBeNull();
  });

  it('strangers and former members cannot vote (NOT_FOUND / NOT_A_MEMBER)', async () => {
    const group = await createGroup(api, ann, [ben, cat], 'Members');
    const poll = await created(ann, { conversationId: group, question: 'Q?', options: ['a', 'b'] });
    expectCode(await vote(stranger, poll.id, ['0']), 'NOT_FOUND');
    expectCode(await vote(stranger, RANDOM_ID, ['0']), 'NOT_FOUND');
    expectCode(await gql(api, CLOSE, { m: poll.id }, stranger.token), 'NOT_FOUND');
    await gql(
      api,
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { c: group, u: cat.id },
      ann.token,
    );
    const former = await vote(cat, poll.id, ['0']);
    expect(former.errors?.[0]?.extensions?.code).toMatch(/^(NOT_A_MEMBER|NOT_FOUND)$/);
  });

  it('refuses invalid polls with stable codes; hostile Unicode round-trips', async () => {
    const group = await createGroup(api, ann, [ben], 'Validation');
    const base = { conversationId: group, question: 'Q?', options: ['a', 'b'] };
    const table: [Record<string, unknown>, string][] = [
      [{ question: '' }, 'question'],
      [{ question: '   ' }, 'question'],
      [{ question: 'x'.repeat(301) }, 'question'],
      [{ question: 'two\nlines' }, 'question'],
      [{ question: 'bell\u0007' }, 'question'],
      [{ options: ['only one'] }, 'options'],
      [{ options: Array.from({ length: 13 }, (_, i) => `o${i}`) }, 'options'],
      [{ options: ['same', 'same'] }, 'options'],
      [{ options: ['Same', ' same '] }, 'options'],
      [{ options: ['ok', ''] }, 'options'],
      [{ options: ['ok', 'y'.repeat(101)] }, 'options'],
      [{ options: ['ok', '\uD800'] }, 'options'],
    ];
    for (const [patch, field] of table) {
      expectCode(
        await sendPoll(ann, { ...base, clientMessageId: newClientId(), ...patch }),
        'BAD_USER_INPUT',
        field,
      );
    }
    const hostile = [
      '$& $1 $$ \u202Eevil\u202C',
      '東京で会いましょう 🇺🇸 👩‍👩‍👧',
      '<script>alert(1)</script>',
      'x'.repeat(100),
      'ﷺ ؅ עברית',
    ];
    const poll = await created(ann, {
      ...base,
      question: '¿Qué? $& \u200F' + 'q'.repeat(290),
      options: [...hostile, ...Array.from({ length: 7 }, (_, i) => `#${i}`)],
    });
    expect(poll.poll!.question).toBe('¿Qué? $& \u200F' + 'q'.repeat(290));
    expect(poll.poll!.options.map((o) => o.text).slice(0, hostile.length)).toEqual(hostile);
    expect(poll.poll!.options).toHaveLength(12);
  });

  it('a new poll arrives live with its poll (MessageAdded)', async () => {
    const group = await createGroup(api, ann, [ben], 'Added');
    const client = wsClient(api, ben.token);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: group, afterSeq: 0 }],
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const poll = await created(ann, {
        conversationId: group,
        question: 'New?',
        options: ['a', 'b'],
      });
      const items = await stream.until(
        (i) => i.some((e) => e.chatEvents.message?.id === poll.id),
        10_000,
        'MessageAdded',
      );
      const added = items.find((e) => e.chatEvents.message?.id === poll.id)!;
      expect(added.chatEvents.__typename).toBe('MessageAdded');
      expect(added.chatEvents.message!.poll!.question).toBe('New?');
      expect(stream.errors).toEqual([]);
    } finally {
      stream.stop();
      await client.dispose();
    }
  });

  it('streams results live to other members, and a resume covers missed votes', async () => {
    const group = await createGroup(api, ann, [ben, cat], 'Live');
    const poll = await created(ann, {
      conversationId: group,
      question: 'Live?',
      options: ['a', 'b'],
    });
    const client = wsClient(api, cat.token);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: group, afterSeq: poll.seq }],
    });
    try {
      await vote(ben, poll.id, ['1']);
      const items = await stream.until(
        (i) => i.some((e) => e.chatEvents.message?.poll?.options[1]?.voteCount === 1),
        10_000,
        'live vote',
      );
      const update = items.find((e) => e.chatEvents.__typename === 'MessageUpdated')!;
      expect(update.chatEvents.message!.poll!.myVotes).toEqual([]); // rendered for Cat
      expect(update.chatEvents.message!.poll!.options[1]!.voters.map((v) => v.id)).toEqual([
        ben.id,
      ]);
    } finally {
      stream.stop();
    }
    const lastSeen = Math.max(...stream.items.map((e) => e.chatEvents.seq ?? 0));
    // Missed while offline: another vote and the close.
    await vote(ann, poll.id, ['0']);
    await gql(api, CLOSE, { m: poll.id }, ann.token);
    const resumed = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: group, afterSeq: lastSeen }],
    });
    try {
      await resumed.until(
        (i) => i.some((e) => e.chatEvents.message?.poll?.closedAt),
        10_000,
        'resumed close',
      );
      const last = resumed.items.filter((e) => e.chatEvents.message?.id === poll.id).at(-1)!;
      expect(counts(last.chatEvents.message!)).toEqual([1, 1]);
    } finally {
      resumed.stop();
      await client.dispose();
    }
  });
});
