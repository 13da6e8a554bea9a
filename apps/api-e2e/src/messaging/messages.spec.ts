import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir, signUp } from '../support';
import {
  allMessages,
  appUser,
  conversation,
  createGroup,
  createTenant,
  expectCode,
  expectNoUnexpectedErrors,
  expectOneOf,
  expectSameAnswer,
  MESSAGE_FIELDS,
  Msg,
  newClientId,
  openDm,
  post,
  RANDOM_ID,
  send,
  startMessagingApi,
  User,
} from './messaging-helpers';

const EDIT = `mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ ${MESSAGE_FIELDS} } }`;
const DELETE = `mutation($id:ID!){ deleteMessage(id:$id){ ${MESSAGE_FIELDS} } }`;
const REACT =
  'mutation($m:ID!,$e:String!){ addReaction(messageId:$m, emoji:$e){ id reactions { emoji count reactedByMe } } }';
const UNREACT =
  'mutation($m:ID!,$e:String!){ removeReaction(messageId:$m, emoji:$e){ id reactions { emoji count reactedByMe } } }';
const PAGE =
  'query($c:ID!,$f:Int,$a:Int,$l:Int,$b:Int){ messages(conversationId:$c, first:$f, after:$a, last:$l, before:$b){ edges { cursor node { seq body } } pageInfo { hasNextPage hasPreviousPage } } }';
const SEARCH =
  'query($q:String!,$c:ID,$f:Int,$a:String){ searchMessages(query:$q, conversationId:$c, first:$f, after:$a){ edges { cursor node { id body conversationId } } pageInfo { hasNextPage endCursor } } }';

describe('messages: replies, edits, deletes, reactions, history, search and bad input', () => {
  let api: ApiProcess;
  let foreigner: User; // a user of another tenant

  beforeAll(async () => {
    api = await startMessagingApi();
    const secret = await createTenant(api, 'globex');
    foreigner = await appUser(api, 'Foreigner', 'globex', secret);
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const reactionsAs = async (viewer: User, conversationId: string, messageId: string) =>
    (await allMessages(api, viewer, conversationId)).find((m) => m.id === messageId)!.reactions;
  const lastSeq = async (viewer: User, conversationId: string) =>
    (await conversation(api, viewer, conversationId))!.lastSeq;

  it('replies quote a message of the same conversation; a reply into another conversation is BAD_USER_INPUT', async () => {
    const [alice, bob] = await Promise.all([
      appUser(api, 'Reply Alice'),
      appUser(api, 'Reply Bob'),
    ]);
    const group = await createGroup(api, alice, [bob], 'Replies');
    const dm = await openDm(api, alice, bob);
    const question = await post(api, alice, group, 'what time is it?');
    const elsewhere = await post(api, alice, dm, 'a DM message');
    const foreignGroup = await createGroup(api, foreigner, [], 'Foreign');
    const foreignMessage = await post(api, foreigner, foreignGroup, 'foreign message');

    const answer = await post(api, bob, group, 'noon', question.id);
    expect(answer.replyTo).toEqual({ id: question.id, body: 'what time is it?' });
    const inHistory = (await allMessages(api, alice, group)).find((m) => m.id === answer.id)!;
    expect(inHistory.replyTo?.id).toBe(question.id);

    const before = await allMessages(api, alice, group);
    for (const replyToId of [
      elsewhere.id,
      foreignMessage.id,
      RANDOM_ID,
      'garbage',
      'x'.repeat(10_000),
    ]) {
      expectCode(
        await send(api, bob, group, 'misplaced reply', { replyToId }),
        'BAD_USER_INPUT',
        'replyToId',
      );
    }
    expect(await allMessages(api, alice, group)).toEqual(before);
    expect((await allMessages(api, alice, dm)).map((m) => m.body)).toEqual(['a DM message']);
  });

  it('editMessage: sender only, sets editedAt, keeps the seq and takes a new log seq', async () => {
    const [alice, bob, outsider] = await Promise.all([
      appUser(api, 'Edit Alice'),
      appUser(api, 'Edit Bob'),
      appUser(api, 'Edit Outsider'),
    ]);
    const group = await createGroup(api, alice, [bob], 'Edits');
    const original = await post(api, bob, group, 'typo hree');
    expect(original.editedAt).toBeNull();
    const seqBefore = await lastSeq(alice, group);

    const edited = await gql(api, EDIT, { id: original.id, b: 'typo here' }, bob.token);
    expect(edited.errors).toBeUndefined();
    expect(edited.data!.editMessage).toMatchObject({
      id: original.id,
      seq: original.seq,
      body: 'typo here',
    });
    expect(Date.parse(edited.data!.editMessage.editedAt)).toBeGreaterThanOrEqual(
      Date.parse(original.createdAt),
    );
    expect(await lastSeq(alice, group)).toBeGreaterThan(seqBefore);
    const seen = (await allMessages(api, alice, group)).find((m) => m.id === original.id)!;
    expect(seen).toMatchObject({ body: 'typo here', seq: original.seq });
    expect(seen.editedAt).not.toBeNull();

    // Not the sender: FORBIDDEN, even for the group owner. Not a member: NOT_FOUND as for a random id.
    expectCode(
      await gql(api, EDIT, { id: original.id, b: 'owner rewrite' }, alice.token),
      'FORBIDDEN',
    );
    const foreign = await gql(
      api,
      EDIT,
      { id: original.id, b: 'outsider rewrite' },
      outsider.token,
    );
    expectCode(foreign, 'NOT_FOUND');
    expectSameAnswer(
      foreign,
      await gql(api, EDIT, { id: RANDOM_ID, b: 'outsider rewrite' }, outsider.token),
    );
    expectSameAnswer(
      await gql(api, EDIT, { id: original.id, b: 'x' }, foreigner.token),
      await gql(api, EDIT, { id: RANDOM_ID, b: 'x' }, foreigner.token),
    );
    for (const b of ['', '   ', 'x'.repeat(4001), 'nul\u0000'])
      expectCode(await gql(api, EDIT, { id: original.id, b }, bob.token), 'BAD_USER_INPUT', 'body');
    expectCode(await gql(api, EDIT, { id: 'garbage', b: 'x' }, bob.token), 'NOT_FOUND');
    expect((await allMessages(api, alice, group)).find((m) => m.id === original.id)!.body).toBe(
      'typo here',
    );
  });

  it('deleteMessage leaves a tombstone (body null, deletedAt set); only the sender or an admin may delete', async () => {
    const [owner, bob, carol] = await Promise.all([
      appUser(api, 'Del Owner'),
      appUser(api, 'Del Bob'),
      appUser(api, 'Del Carol'),
    ]);
    const group = await createGroup(api, owner, [bob, carol], 'Deletes');
    const bobs = await post(api, bob, group, 'bob says tombstoneword');
    const carols = await post(api, carol, group, 'carol says something');
    const seqBefore = await lastSeq(owner, group);

    expectCode(await gql(api, DELETE, { id: carols.id }, bob.token), 'FORBIDDEN');
    const own = await gql(api, DELETE, { id: bobs.id }, bob.token);
    expect(own.errors).toBeUndefined();
    expect(own.data!.deleteMessage).toMatchObject({
      id: bobs.id,
      seq: bobs.seq,
      body: null,
      reactions: [],
    });
    expect(own.data!.deleteMessage.deletedAt).not.toBeNull();
    expect(await lastSeq(owner, group)).toBeGreaterThan(seqBefore);
    // Deleting again answers the same tombstone.
    expect((await gql(api, DELETE, { id: bobs.id }, bob.token)).data?.deleteMessage).toMatchObject({
      id: bobs.id,
      body: null,
    });

    // The owner (an admin) may delete someone else's message.
    expect(
      (await gql(api, DELETE, { id: carols.id }, owner.token)).data?.deleteMessage.body,
    ).toBeNull();

    const history = await allMessages(api, carol, group);
    expect(history.map((m) => [m.id, m.body, m.deletedAt !== null])).toEqual([
      [bobs.id, null, true],
      [carols.id, null, true],
    ]);
    expectCode(await gql(api, EDIT, { id: bobs.id, b: 'resurrect' }, bob.token), 'BAD_USER_INPUT');
    expectCode(await gql(api, REACT, { m: bobs.id, e: '👍' }, carol.token), 'BAD_USER_INPUT');
    expect((await ok(api, SEARCH, { q: 'tombstoneword' }, bob.token)).searchMessages.edges).toEqual(
      [],
    );
    const outsider = await appUser(api, 'Del Outsider');
    const foreign = await gql(api, DELETE, { id: bobs.id }, outsider.token);
    expectCode(foreign, 'NOT_FOUND');
    expectSameAnswer(foreign, await gql(api, DELETE, { id: RANDOM_ID }, outsider.token));
  });

  it('reactions: one per emoji per user, reactedByMe per viewer, removable', async () => {
    const [alice, bob, carol] = await Promise.all([
      appUser(api, 'React Alice'),
      appUser(api, 'React Bob'),
      appUser(api, 'React Carol'),
    ]);
    const group = await createGroup(api, alice, [bob, carol], 'Reactions');
    const message = await post(api, alice, group, 'react to me');

    const first = await gql(api, REACT, { m: message.id, e: '👍' }, bob.token);
    expect(first.data?.addReaction.reactions).toEqual([
      { emoji: '👍', count: 1, reactedByMe: true },
    ]);
    const seqAfterFirst = await lastSeq(alice, group);
    const twice = await gql(api, REACT, { m: message.id, e: '👍' }, bob.token);
    expect(twice.data?.addReaction.reactions).toEqual([
      { emoji: '👍', count: 1, reactedByMe: true },
    ]);
    expect(await lastSeq(alice, group)).toBe(seqAfterFirst); // nothing happened, nothing logged
    expect(await reactionsAs(carol, group, message.id)).toEqual([
      { emoji: '👍', count: 1, reactedByMe: false },
    ]);

    await ok(api, REACT, { m: message.id, e: '👍' }, carol.token);
    await ok(api, REACT, { m: message.id, e: '🎉' }, carol.token);
    await ok(api, REACT, { m: message.id, e: '👨‍👩‍👧' }, alice.token);
    const byEmoji = (list: Msg['reactions']) =>
      Object.fromEntries(list.map((r) => [r.emoji, [r.count, r.reactedByMe]]));
    expect(byEmoji(await reactionsAs(bob, group, message.id))).toEqual({
      '👍': [2, true],
      '🎉': [1, false],
      '👨‍👩‍👧': [1, false],
    });
    expect(byEmoji(await reactionsAs(carol, group, message.id))).toEqual({
      '👍': [2, true],
      '🎉': [1, true],
      '👨‍👩‍👧': [1, false],
    });
    expect(byEmoji(await reactionsAs(alice, group, message.id))).toEqual({
      '👍': [2, false],
      '🎉': [1, false],
      '👨‍👩‍👧': [1, true],
    });

    const removed = await gql(api, UNREACT, { m: message.id, e: '👍' }, bob.token);
    expect(byEmoji(removed.data!.removeReaction.reactions)).toEqual({
      '👍': [1, false],
      '🎉': [1, false],
      '👨‍👩‍👧': [1, false],
    });
    // Removing what is not there changes nothing.
    expect((await gql(api, UNREACT, { m: message.id, e: '👍' }, bob.token)).errors).toBeUndefined();
    expect((await gql(api, UNREACT, { m: message.id, e: '🚀' }, bob.token)).errors).toBeUndefined();
    expect(byEmoji(await reactionsAs(carol, group, message.id))).toEqual({
      '👍': [1, true],
      '🎉': [1, true],
      '👨‍👩‍👧': [1, false],
    });

    for (const e of ['', 'abc', 'x'.repeat(100), '<script>', '👍'.repeat(100), '\u0000', ':+1:']) {
      expectCode(await gql(api, REACT, { m: message.id, e }, bob.token), 'BAD_USER_INPUT', 'emoji');
    }
    const outsider = await appUser(api, 'React Outsider');
    const foreign = await gql(api, REACT, { m: message.id, e: '👍' }, outsider.token);
    expectCode(foreign, 'NOT_FOUND');
    expectSameAnswer(foreign, await gql(api, REACT, { m: RANDOM_ID, e: '👍' }, outsider.token));
    expectSameAnswer(
      await gql(api, UNREACT, { m: message.id, e: '🎉' }, outsider.token),
      await gql(api, UNREACT, { m: RANDOM_ID, e: '🎉' }, outsider.token),
    );
    expect(byEmoji(await reactionsAs(carol, group, message.id))).toEqual({
      '👍': [1, true],
      '🎉': [1, true],
      '👨‍👩‍👧': [1, false],
    });
  });

  it('pages history backward with last/before and forward with first/after; refuses bad paging arguments', async () => {
    const [writer, reader] = await Promise.all([
      appUser(api, 'Pager'),
      appUser(api, 'Page Reader'),
    ]);
    const group = await createGroup(api, writer, [reader], 'Paging');
    for (let i = 1; i <= 25; i++) await post(api, writer, group, `m${i}`);
    const page = async (vars: Record<string, unknown>) => {
      const data = await ok(api, PAGE, { c: group, ...vars }, reader.token);
      return {
        seqs: data.messages.edges.map((e: { node: { seq: number } }) => e.node.seq),
        bodies: data.messages.edges.map((e: { node: { body: string } }) => e.node.body),
        cursors: data.messages.edges.map((e: { cursor: string }) => e.cursor),
        next: data.messages.pageInfo.hasNextPage as boolean,
        previous: data.messages.pageInfo.hasPreviousPage as boolean,
      };
    };
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

    const latest = await page({ l: 10 });
    expect(latest.seqs).toEqual(range(16, 25));
    expect(latest.bodies).toEqual(range(16, 25).map((i) => `m${i}`));
    expect(latest.previous).toBe(true);
    const older = await page({ l: 10, b: 16 });
    expect(older.seqs).toEqual(range(6, 15));
    expect(older.previous).toBe(true);
    const oldest = await page({ l: 10, b: 6 });
    expect(oldest.seqs).toEqual(range(1, 5));
    expect(oldest.previous).toBe(false);

    const start = await page({ f: 10 });
    expect(start.seqs).toEqual(range(1, 10));
    expect(start.next).toBe(true);
    const middle = await page({ f: 10, a: 10 });
    expect(middle.seqs).toEqual(range(11, 20));
    expect(middle.next).toBe(true);
    const end = await page({ f: 10, a: 20 });
    expect(end.seqs).toEqual(range(21, 25));
    expect(end.next).toBe(false);
    expect((await page({})).seqs).toEqual(range(6, 25)); // default: the latest 20

    const bad: Record<string, unknown>[] = [
      { f: 100_000 },
      { l: 100_000 },
      { f: 0 },
      { f: -1 },
      { l: -5 },
      { a: -1 },
      { b: -1 },
      { f: 5, a: -10 },
      { f: 5, l: 5 },
    ];
    for (const vars of bad)
      expectCode(await gql(api, PAGE, { c: group, ...vars }, reader.token), 'BAD_USER_INPUT');
    // Literal huge pages are refused as well (the query cost limit may answer first), never as internal errors.
    expectOneOf(
      await gql(
        api,
        `{ messages(conversationId:"${group}", first: 100000){ edges { node { seq } } } }`,
        {},
        reader.token,
      ),
      ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED'],
    );
    expectOneOf(await gql(api, PAGE, { c: group, f: 2 ** 40 }, reader.token), [
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expectOneOf(await gql(api, PAGE, { c: group, a: 'ten' }, reader.token), [
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expectCode(
      await gql(api, '{ messages { edges { cursor } } }', {}, reader.token),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect((await allMessages(api, reader, group)).map((m) => m.seq)).toEqual(range(1, 25));
  });

  it('searchMessages finds words only in the caller’s conversations, never another tenant’s; FTS syntax is just text', async () => {
    const [alice, bob, eve] = await Promise.all([
      appUser(api, 'Search Alice'),
      appUser(api, 'Search Bob'),
      appUser(api, 'Search Eve'),
    ]);
    const group = await createGroup(api, alice, [bob], 'Zoo');
    const dm = await openDm(api, alice, bob);
    const giraffe = await post(api, alice, group, 'I saw a giraffe at the zoo today');
    const inDm = await post(api, bob, dm, 'The giraffe was very tall');
    await post(api, alice, group, 'nothing to see here');
    const eveGroup = await createGroup(api, eve, [], 'Eve only');
    await post(api, eve, eveGroup, 'eve also likes the giraffe');
    const foreignGroup = await createGroup(api, foreigner, [], 'Foreign zoo');
    await post(api, foreigner, foreignGroup, 'a foreign giraffe appears');

    const found = async (who: User, q: string, c?: string) =>
      (await ok(api, SEARCH, { q, c: c ?? null }, who.token)).searchMessages.edges
        .map((e: { node: { id: string } }) => e.node.id)
        .sort();
    expect(await found(alice, 'giraffe')).toEqual([giraffe.id, inDm.id].sort());
    expect(await found(alice, 'GIRAFFE')).toEqual([giraffe.id, inDm.id].sort());
    expect(await found(alice, 'giraffe zoo')).toEqual([giraffe.id]);
    expect(await found(alice, 'giraffe', dm)).toEqual([inDm.id]);
    expect((await found(eve, 'giraffe')).length).toBe(1);
    expect(await found(eve, 'tall')).toEqual([]);
    expect(await found(foreigner, 'zoo')).toEqual([]);
    expect((await found(foreigner, 'giraffe')).length).toBe(1);

    // Paging search results.
    const first = await ok(api, SEARCH, { q: 'giraffe', f: 1 }, alice.token);
    expect(first.searchMessages.edges).toHaveLength(1);
    expect(first.searchMessages.pageInfo.hasNextPage).toBe(true);
    const second = await ok(
      api,
      SEARCH,
      { q: 'giraffe', f: 1, a: first.searchMessages.pageInfo.endCursor },
      alice.token,
    );
    expect(second.searchMessages.edges).toHaveLength(1);
    expect(second.searchMessages.edges[0].node.id).not.toBe(first.searchMessages.edges[0].node.id);

    // Search syntax is not interpreted: no errors, no surprises.
    for (const q of [
      '"unbalanced',
      'a OR b*',
      'giraffe OR nothing',
      'NEAR(giraffe zoo)',
      '*',
      '-giraffe',
      'body:giraffe',
      ')))',
      'AND',
      "'; DROP TABLE messages; --",
      '^giraffe',
      'gir*',
      '🦒',
      '\\',
    ]) {
      const result = await gql(api, SEARCH, { q }, alice.token);
      expect(result.errors, `${q}: ${JSON.stringify(result.errors)}`).toBeUndefined();
      expect(Array.isArray(result.data?.searchMessages.edges)).toBe(true);
    }
    expect(await found(alice, '"giraffe')).toEqual([giraffe.id, inDm.id].sort());

    // Bad arguments: stable codes.
    for (const q of ['', '   ', 'x'.repeat(10_000), 'nul\u0000'])
      expectCode(await gql(api, SEARCH, { q }, alice.token), 'BAD_USER_INPUT', 'query');
    for (const f of [0, -1, 100_000])
      expectCode(
        await gql(api, SEARCH, { q: 'giraffe', f }, alice.token),
        'BAD_USER_INPUT',
        'first',
      );
    for (const a of [
      'garbage',
      'x'.repeat(50_000),
      Buffer.from('[-5]').toString('base64url'),
      Buffer.from('[1e9]').toString('base64url'),
    ]) {
      expectCode(
        await gql(api, SEARCH, { q: 'giraffe', a }, alice.token),
        'BAD_USER_INPUT',
        'after',
      );
    }
    const foreignScope = await gql(api, SEARCH, { q: 'giraffe', c: eveGroup }, alice.token);
    expectCode(foreignScope, 'NOT_FOUND');
    expectSameAnswer(
      foreignScope,
      await gql(api, SEARCH, { q: 'giraffe', c: RANDOM_ID }, alice.token),
    );
    expectSameAnswer(
      await gql(api, SEARCH, { q: 'giraffe', c: group }, foreigner.token),
      await gql(api, SEARCH, { q: 'giraffe', c: RANDOM_ID }, foreigner.token),
    );
  });

  it('non-members and other tenants learn nothing: every id-taking operation answers as for a random id', async () => {
    const [owner, member, outsider] = await Promise.all([
      appUser(api, 'Secret Owner'),
      appUser(api, 'Secret Member'),
      appUser(api, 'Nosy'),
    ]);
    const group = await createGroup(api, owner, [member], 'Secret');
    const dm = await openDm(api, owner, member);
    const message = await post(api, owner, group, 'secret plans');
    await post(api, owner, dm, 'secret dm');
    const snapshot = {
      group: await allMessages(api, owner, group),
      dm: await allMessages(api, owner, dm),
      conv: await conversation(api, owner, group),
    };

    const byConversation: [string, Record<string, unknown>][] = [
      ['query($c:ID!){ messages(conversationId:$c){ edges { node { id } } } }', {}],
      [
        'mutation($c:ID!,$k:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:"hi"}){ id } }',
        { k: newClientId() },
      ],
      ['mutation($c:ID!){ markRead(conversationId:$c, seq:1){ id } }', {}],
      ['mutation($c:ID!){ markDelivered(conversationId:$c, seq:1) }', {}],
      ['mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }', {}],
      [
        'mutation($c:ID!){ updateConversation(input:{conversationId:$c, title:"mine", muted:true}){ id } }',
        {},
      ],
      ['mutation($c:ID!){ leaveConversation(conversationId:$c) }', {}],
      [
        'mutation($c:ID!,$u:ID!){ addMembers(conversationId:$c, userIds:[$u]){ id } }',
        { u: outsider.id },
      ],
      [
        'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
        { u: member.id },
      ],
      [
        'mutation($c:ID!,$u:ID!){ setMemberRole(conversationId:$c, userId:$u, role:OWNER){ id } }',
        { u: member.id },
      ],
      ['mutation($c:ID!){ joinChannel(conversationId:$c){ id } }', {}],
      [
        'query($c:ID!){ searchMessages(query:"secret", conversationId:$c){ edges { node { id } } } }',
        {},
      ],
    ];
    const byMessage: [string, Record<string, unknown>][] = [
      ['mutation($m:ID!){ editMessage(id:$m, body:"changed"){ id } }', {}],
      ['mutation($m:ID!){ deleteMessage(id:$m){ id } }', {}],
      ['mutation($m:ID!){ addReaction(messageId:$m, emoji:"👍"){ id } }', {}],
      ['mutation($m:ID!){ removeReaction(messageId:$m, emoji:"👍"){ id } }', {}],
    ];
    for (const who of [outsider, foreigner]) {
      for (const id of [group, dm]) {
        for (const [query, vars] of byConversation) {
          const real = await gql(api, query, { c: id, ...vars }, who.token);
          expect(['NOT_FOUND'], `${query}: ${JSON.stringify(real)}`).toContain(
            real.errors?.[0]?.extensions?.code,
          );
          expectSameAnswer(real, await gql(api, query, { c: RANDOM_ID, ...vars }, who.token));
        }
        expect(
          (await gql(api, 'query($c:ID!){ conversation(id:$c){ id } }', { c: id }, who.token)).data,
        ).toEqual({ conversation: null });
      }
      for (const [query, vars] of byMessage) {
        const real = await gql(api, query, { m: message.id, ...vars }, who.token);
        expectCode(real, 'NOT_FOUND');
        expectSameAnswer(real, await gql(api, query, { m: RANDOM_ID, ...vars }, who.token));
      }
      expect(
        (
          await ok(
            api,
            '{ searchMessages(query:"secret"){ edges { node { id } } } }',
            {},
            who.token,
          )
        ).searchMessages.edges,
      ).toEqual([]);
    }
    // Other tenants cannot even reach the users.
    const dmForeign = await gql(
      api,
      'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
      { u: owner.id },
      foreigner.token,
    );
    expectCode(dmForeign, 'NOT_FOUND');
    expectSameAnswer(
      dmForeign,
      await gql(
        api,
        'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
        { u: RANDOM_ID },
        foreigner.token,
      ),
    );
    expect(
      (await gql(api, 'query($u:ID!){ user(id:$u){ id } }', { u: owner.id }, foreigner.token)).data,
    ).toEqual({ user: null });

    expect(await allMessages(api, owner, group)).toEqual(snapshot.group);
    expect(await allMessages(api, owner, dm)).toEqual(snapshot.dm);
    expect(await conversation(api, owner, group)).toEqual(snapshot.conv);
  });

  it('refuses every bad sendMessage input with a stable code and changes nothing', async () => {
    const [alice, bob] = await Promise.all([appUser(api, 'Bad Alice'), appUser(api, 'Bad Bob')]);
    const group = await createGroup(api, alice, [bob], 'Validation');
    const other = await createGroup(api, alice, [bob], 'Other');
    const otherMessage = await post(api, alice, other, 'in the other group');
    // What is allowed: newlines and tabs kept verbatim, exactly 4000 characters (code points).
    const multiline = await post(api, alice, group, '  line one\n\tline two  ');
    expect(multiline.body).toBe('  line one\n\tline two  ');
    expect((await post(api, alice, group, 'x'.repeat(4000))).body).toHaveLength(4000);
    expect([...(await post(api, alice, group, '😀'.repeat(4000))).body!]).toHaveLength(4000);
    const before = await allMessages(api, bob, group);
    const seqBefore = await lastSeq(bob, group);

    const badBodies = [
      '',
      ' ',
      '   \n\t  ',
      'x'.repeat(4001),
      '😀'.repeat(4001),
      'nul\u0000',
      'bell\u0007',
      'esc\u001b[2J',
      'del\u007f',
      'c1\u0085',
      'vt\u000b',
      'lone\uD800',
    ];
    for (const body of badBodies)
      expectCode(await send(api, alice, group, body), 'BAD_USER_INPUT', 'body');
    for (const clientMessageId of [
      '',
      'has space',
      'x'.repeat(65),
      'emoji😀',
      'slash/',
      'nul\u0000',
    ]) {
      expectCode(
        await send(api, alice, group, 'fine', { clientMessageId }),
        'BAD_USER_INPUT',
        'clientMessageId',
      );
    }
    for (const c of [RANDOM_ID, 'garbage', '', 'x'.repeat(10_000), "' OR 1=1 --"])
      expectCode(await send(api, alice, c, 'fine'), 'NOT_FOUND');
    expectCode(
      await send(api, alice, group, 'fine', { replyToId: otherMessage.id }),
      'BAD_USER_INPUT',
      'replyToId',
    );

    // Wrong types and missing fields.
    const SEND_RAW = 'mutation($i:SendMessageInput!){ sendMessage(input:$i){ id } }';
    const wrongTyped = [
      { conversationId: group, clientMessageId: newClientId(), body: 42 },
      { conversationId: group, clientMessageId: 42.5, body: 'fine' },
      { conversationId: group, clientMessageId: newClientId() },
      { conversationId: group, body: 'fine' },
      { clientMessageId: newClientId(), body: 'fine' },
      { conversationId: group, clientMessageId: newClientId(), body: 'fine', extra: true },
      { conversationId: [group], clientMessageId: newClientId(), body: 'fine' },
      { conversationId: group, clientMessageId: newClientId(), body: { text: 'fine' } },
    ];
    for (const input of wrongTyped)
      expectOneOf(await gql(api, SEND_RAW, { i: input }, alice.token), [
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
    expectCode(
      await gql(
        api,
        `mutation { sendMessage(input: { conversationId: "${group}", body: "no client id" }) { id } }`,
        {},
        alice.token,
      ),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectCode(
      await gql(api, 'mutation { sendMessage { id } }', {}, alice.token),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectCode(await send(api, { ...alice, token: 'garbage' }, group, 'fine'), 'UNAUTHENTICATED');
    expectCode(
      await gql(
        api,
        'mutation($c:ID!){ markDelivered(conversationId:$c, seq:-1) }',
        { c: group },
        alice.token,
      ),
      'BAD_USER_INPUT',
      'seq',
    );

    expect(await allMessages(api, bob, group)).toEqual(before);
    expect(await lastSeq(bob, group)).toBe(seqBefore);
  });

  it('keeps the 4000-character limit for bodies padded with leading or trailing whitespace', async () => {
    const [alice, bob] = await Promise.all([appUser(api, 'Pad Alice'), appUser(api, 'Pad Bob')]);
    const group = await createGroup(api, alice, [bob], 'Padding');
    const original = await post(api, alice, group, 'short');
    const before = await allMessages(api, bob, group);
    const within = (body: string | null | undefined) =>
      body === null || body === undefined || [...body].length <= 4000;

    const padded = `${' '.repeat(30_000)}${'x'.repeat(4000)}${' '.repeat(30_000)}`;
    const sent = await send(api, alice, group, padded);
    if (sent.errors) expectCode(sent, 'BAD_USER_INPUT', 'body');
    else
      expect(
        within(sent.data?.sendMessage.body),
        `stored ${sent.data?.sendMessage.body?.length} characters`,
      ).toBe(true);
    const newlines = await send(
      api,
      alice,
      group,
      `${'\n'.repeat(20_000)}hi${'\t'.repeat(20_000)}`,
    );
    if (newlines.errors) expectCode(newlines, 'BAD_USER_INPUT', 'body');
    else
      expect(
        within(newlines.data?.sendMessage.body),
        `stored ${newlines.data?.sendMessage.body?.length} characters`,
      ).toBe(true);
    const edited = await gql(api, EDIT, { id: original.id, b: padded }, alice.token);
    if (edited.errors) expectCode(edited, 'BAD_USER_INPUT', 'body');
    else expect(within(edited.data?.editMessage.body)).toBe(true);

    for (const message of await allMessages(api, bob, group))
      expect(within(message.body)).toBe(true);
    if (sent.errors && newlines.errors && edited.errors)
      expect(await allMessages(api, bob, group)).toEqual(before);
  });

  it('a DM exchange adds each to the other’s contacts (phones become visible)', async () => {
    const [sam, kim] = [await signUp(api, 'Sam'), await signUp(api, 'Kim')];
    const asUser = (s: { accessToken: string; userId: string; name: string }): User => ({
      token: s.accessToken,
      id: s.userId,
      name: s.name,
    });
    const [a, b] = [asUser(sam), asUser(kim)];
    const view = async (viewer: User, target: User) =>
      (
        await ok(
          api,
          'query($id:ID!){ user(id:$id){ isContact phone } }',
          { id: target.id },
          viewer.token,
        )
      ).user;
    expect(await view(a, b)).toEqual({ isContact: false, phone: null });
    expect(await view(b, a)).toEqual({ isContact: false, phone: null });
    // Sharing a group shows no numbers anywhere (sender, members).
    const group = await createGroup(api, a, [b], 'Shared');
    await post(api, a, group, 'group hello');
    const seenInGroup = await ok(
      api,
      'query($c:ID!){ messages(conversationId:$c){ edges { node { sender { id phone } } } } conversation(id:$c){ members { edges { node { user { id phone } } } } } }',
      { c: group },
      b.token,
    );
    expect(seenInGroup.messages.edges[0].node.sender).toEqual({ id: a.id, phone: null });
    const memberPhones = Object.fromEntries(
      seenInGroup.conversation.members.edges.map(
        (e: { node: { user: { id: string; phone: string | null } } }) => [
          e.node.user.id,
          e.node.user.phone,
        ],
      ),
    );
    expect(memberPhones).toEqual({ [a.id]: null, [b.id]: kim.phone });
    expect(await view(a, b)).toEqual({ isContact: false, phone: null });

    const dm = await openDm(api, a, b);
    await post(api, a, dm, 'hi Kim');
    await post(api, b, dm, 'hi Sam');
    expect(await view(a, b)).toEqual({ isContact: true, phone: kim.phone });
    expect(await view(b, a)).toEqual({ isContact: true, phone: sam.phone });
    const contactsOf = async (who: User) =>
      (
        await ok(api, '{ contacts { edges { node { user { id } } } } }', {}, who.token)
      ).contacts.edges.map((e: { node: { user: { id: string } } }) => e.node.user.id);
    expect(await contactsOf(a)).toEqual([b.id]);
    expect(await contactsOf(b)).toEqual([a.id]);
  });
});
