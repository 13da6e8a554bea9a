import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, removeDataDir } from '../support';
import {
  allMessages,
  appUser,
  conversation,
  conversations,
  createGroup,
  expectNoUnexpectedErrors,
  newClientId,
  send,
  startMessagingApi,
  User,
} from './messaging-helpers';

describe('messaging under concurrency', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startMessagingApi();
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  it('20 concurrent sends with one clientMessageId create one message; all answers carry its id and seq', async () => {
    const [alice, bob] = await Promise.all([appUser(api, 'Idem Alice'), appUser(api, 'Idem Bob')]);
    const group = await createGroup(api, alice, [bob], 'Idempotency');
    const clientMessageId = newClientId();

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        send(api, alice, group, 'exactly once', { clientMessageId }),
      ),
    );
    for (const answer of answers)
      expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    const ids = new Set(answers.map((a) => a.data!.sendMessage.id));
    const seqs = new Set(answers.map((a) => a.data!.sendMessage.seq));
    expect(ids.size).toBe(1);
    expect(seqs.size).toBe(1);
    expect(answers[0]!.data!.sendMessage.clientMessageId).toBe(clientMessageId);

    const history = await allMessages(api, bob, group);
    expect(history.map((m) => m.body)).toEqual(['exactly once']);
    expect(history[0]!.id).toBe([...ids][0]);
    // The clientMessageId is shown to its sender only.
    expect(history[0]!.clientMessageId).toBeNull();
    expect((await allMessages(api, alice, group))[0]!.clientMessageId).toBe(clientMessageId);
    expect((await conversation(api, alice, group))!.lastSeq).toBe([...seqs][0]);

    // A later true retry returns the first result and adds nothing; another body is a CONFLICT.
    const retry = await send(api, alice, group, 'exactly once', { clientMessageId });
    expect(retry.data?.sendMessage).toMatchObject({
      id: [...ids][0],
      seq: [...seqs][0],
      body: 'exactly once',
    });
    const reused = await send(api, alice, group, 'a different body', { clientMessageId });
    expect(reused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await allMessages(api, bob, group)).toHaveLength(1);

    // The same clientMessageId from another sender is another message.
    const fromBob = await send(api, bob, group, 'mine is separate', { clientMessageId });
    expect(fromBob.data?.sendMessage.id).not.toBe([...ids][0]);
    expect(await allMessages(api, bob, group)).toHaveLength(2);
  });

  it('200 concurrent sends from 10 clients into one group get seqs exactly 1..200', async () => {
    const users: User[] = await Promise.all(
      Array.from({ length: 10 }, (_, i) => appUser(api, `Sender ${i}`)),
    );
    const group = await createGroup(api, users[0]!, users.slice(1), 'Busy group');
    expect((await conversation(api, users[0]!, group))!.lastSeq).toBe(0);

    const sends = users.flatMap((user, u) =>
      Array.from({ length: 20 }, (_, i) => send(api, user, group, `from ${u} #${i}`)),
    );
    const answers = await Promise.all(sends);
    for (const answer of answers)
      expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    const answered = answers.map((a) => a.data!.sendMessage.seq).sort((a, b) => a - b);
    const expected = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(answered).toEqual(expected);

    // History, paged forward with first/after, has every seq once, in order, with no gap.
    const history = await allMessages(api, users[3]!, group, 37);
    expect(history.map((m) => m.seq)).toEqual(expected);
    expect(new Set(history.map((m) => m.id)).size).toBe(200);
    expect(new Set(history.map((m) => m.body)).size).toBe(200);
    for (const [u, user] of users.entries()) {
      const mine = history.filter((m) => m.sender.id === user.id).map((m) => m.body);
      expect(mine).toHaveLength(20);
      expect(mine.every((b) => b!.startsWith(`from ${u} #`))).toBe(true);
    }
    expect((await conversation(api, users[5]!, group))!.lastSeq).toBe(200);

    // Paging backward with last/before sees the same log.
    const backward: number[] = [];
    let before: number | null = null;
    for (let page = 0; page < 20; page++) {
      const result: {
        data?: {
          messages: { edges: { node: { seq: number } }[]; pageInfo: { hasPreviousPage: boolean } };
        } | null;
      } = await gql(
        api,
        'query($c:ID!,$b:Int){ messages(conversationId:$c, last: 45, before:$b){ edges { node { seq } } pageInfo { hasPreviousPage } } }',
        { c: group, b: before },
        users[7]!.token,
      );
      const seqs = result.data!.messages.edges.map((e) => e.node.seq);
      backward.unshift(...seqs);
      if (!result.data!.messages.pageInfo.hasPreviousPage || seqs.length === 0) break;
      before = seqs[0]!;
    }
    expect(backward).toEqual(expected);
  });

  it('concurrent openDirectConversation calls from both sides yield one DM', async () => {
    const [a, b] = await Promise.all([appUser(api, 'Left'), appUser(api, 'Right')]);
    const open = (from: User, to: User) =>
      gql(
        api,
        'mutation($u:ID!){ openDirectConversation(userId:$u){ id kind } }',
        { u: to.id },
        from.token,
      );
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? open(a, b) : open(b, a))),
    );
    for (const answer of answers)
      expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    const ids = new Set(answers.map((r) => r.data!.openDirectConversation.id));
    expect(ids.size).toBe(1);
    expect(answers[0]!.data!.openDirectConversation.kind).toBe('DIRECT');
    const [id] = [...ids];

    for (const who of [a, b]) {
      const dms = (await conversations(api, who)).filter((c) => c.kind === 'DIRECT');
      expect(dms.map((c) => c.id)).toEqual([id]);
      expect(dms[0]!.memberCount).toBe(2);
    }
    // And later calls keep answering the same conversation.
    expect((await open(b, a)).data?.openDirectConversation.id).toBe(id);
  });
});
