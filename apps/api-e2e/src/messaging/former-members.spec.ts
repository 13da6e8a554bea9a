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
import { Ev, group, history, ofType, send, STREAM } from '../realtime/realtime-helpers';

/**
 * Former members (docs/history-visibility.md), black-box: a removed member, or one who left,
 * keeps reading the conversation up to their exit (read-only, flagged), is refused every write
 * with NOT_A_MEMBER, sees it again with their earlier history when added back (never the gap),
 * and a client resuming after the removal gets the same as a fetch.
 */

let api: ApiProcess;

beforeAll(async () => {
  api = await startApi({});
});
afterAll(async () => {
  await api?.stop();
});

const as = (who: Session, query: string, variables: Record<string, unknown> = {}) =>
  ok(api, query, variables, who.accessToken);
const codeOf = async (who: Session, query: string, variables: Record<string, unknown>) =>
  (await gql(api, query, variables, who.accessToken)).errors?.[0]?.extensions?.code;

const VIEW = `query($c:ID!){ conversation(id:$c){ id viewerIsMember myRole
  viewerExit { change at by { id name } } lastMessage { body } } }`;
const NOTICES = `query($c:ID!){ conversationNotices(conversationId:$c){ notices { seq kind member { id } } } }`;
const REMOVE = 'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }';
const ADD = 'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }';

interface View {
  viewerIsMember: boolean;
  myRole: string | null;
  viewerExit: { change: string; at: string; by: { id: string; name: string } | null } | null;
  lastMessage: { body: string } | null;
}
const view = async (who: Session, c: string) =>
  (await as(who, VIEW, { c })).conversation as View | null;
const bodies = async (who: Session, c: string) => (await history(api, who, c)).map((m) => m.body);

describe('former members', () => {
  it('a removed member reads the history up to the removal, read-only, and is refused every write', async () => {
    const [ada, bob, eve] = [
      await signUp(api, 'Ada'),
      await signUp(api, 'Bob'),
      await signUp(api, 'Eve'),
    ];
    const c = await group(api, ada, [bob], 'Book club');
    const one = await send(api, ada, c, 'one');
    await as(ada, REMOVE, { c, u: bob.userId });
    await send(api, ada, c, 'two (after the removal)');

    const seen = (await view(bob, c))!;
    expect(seen).toMatchObject({
      viewerIsMember: false,
      myRole: null,
      viewerExit: { change: 'REMOVED', by: { id: ada.userId, name: 'Ada' } },
      lastMessage: { body: 'one' },
    });
    expect(Number.isNaN(Date.parse(seen.viewerExit!.at))).toBe(false);
    expect(await bodies(bob, c)).toEqual(['one']);
    // Listed as a former conversation (a client shows it after a reload), not as a membership.
    const former = (await as(bob, '{ formerConversations { id viewerIsMember } }'))
      .formerConversations as { id: string; viewerIsMember: boolean }[];
    expect(former).toEqual([{ id: c, viewerIsMember: false }]);
    expect((await as(eve, '{ formerConversations { id } }')).formerConversations).toEqual([]);
    const lines = (await as(bob, NOTICES, { c })).conversationNotices.notices as {
      kind: string;
      member: { id: string } | null;
    }[];
    expect(lines.map((n) => [n.kind, n.member?.id])).toEqual([['MEMBER_REMOVED', bob.userId]]);

    for (const [query, variables] of [
      [
        'mutation($c:ID!){ sendMessage(input:{conversationId:$c, clientMessageId:"k1", body:"hi"}){ id } }',
        { c },
      ],
      ['mutation($m:ID!){ addReaction(messageId:$m, emoji:"👍"){ id } }', { m: one.id }],
      ['mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }', { c }],
      ['mutation($c:ID!){ markRead(conversationId:$c, seq:1){ id } }', { c }],
      ['mutation($c:ID!){ leaveConversation(conversationId:$c) }', { c }],
    ] as const)
      expect(await codeOf(bob, query, variables), query).toBe('NOT_A_MEMBER');

    // Someone who never belonged learns nothing, as for a conversation that does not exist.
    expect(await view(eve, c)).toBeNull();
    expect(
      await codeOf(
        eve,
        'query($c:ID!){ messages(conversationId:$c, last:5){ edges { node { id } } } }',
        { c },
      ),
    ).toBe('NOT_FOUND');
  });

  it('added again (SINCE_JOINED), a member sees what they saw before and what follows, never the gap; leaving keeps both', async () => {
    const [ada, bob] = [await signUp(api, 'Ada'), await signUp(api, 'Bob')];
    const c = await group(api, ada, [bob], 'Revolving');
    await send(api, ada, c, 'before');
    await as(ada, REMOVE, { c, u: bob.userId });
    await send(api, ada, c, 'gap');
    await as(ada, ADD, { c, u: [bob.userId] });
    await send(api, ada, c, 'after');
    expect(await bodies(bob, c)).toEqual(['before', 'after']);
    expect(await view(bob, c)).toMatchObject({ viewerIsMember: true, viewerExit: null });
    // Backward paging crosses the gap the same way.
    const last = (
      await as(
        bob,
        'query($c:ID!){ messages(conversationId:$c, last:1){ edges { node { body } } pageInfo { hasPreviousPage } } }',
        { c },
      )
    ).messages;
    expect(last.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual(['after']);
    expect(last.pageInfo.hasPreviousPage).toBe(true);

    await as(bob, 'mutation($c:ID!){ leaveConversation(conversationId:$c) }', { c });
    await send(api, ada, c, 'after leaving');
    expect(await view(bob, c)).toMatchObject({
      viewerIsMember: false,
      viewerExit: { change: 'LEFT', by: { id: bob.userId } },
      lastMessage: { body: 'after' },
    });
    expect(await bodies(bob, c)).toEqual(['before', 'after']);
  });

  it('a client resuming after its removal gets the removal and edits of what it reads, nothing new', async () => {
    const [ada, bob] = [await signUp(api, 'Ada'), await signUp(api, 'Bob')];
    const c = await group(api, ada, [bob], 'Resume');
    const kept = await send(api, ada, c, 'kept');
    await as(ada, REMOVE, { c, u: bob.userId });
    await send(api, ada, c, 'not for Bob');
    await as(ada, 'mutation($id:ID!){ editMessage(id:$id, body:"kept, edited"){ id } }', {
      id: kept.id,
    });
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: c, afterSeq: kept.seq }],
    });
    await stream.until((i) => ofType(i, 'MessageUpdated').length >= 1, 5_000, 'the edit');
    await sleep(300);
    expect(ofType(stream.items, 'MembershipChanged').map((e) => [e.userId, e.change])).toEqual([
      [bob.userId, 'REMOVED'],
    ]);
    expect(ofType(stream.items, 'MessageUpdated').map((e) => e.message?.body)).toEqual([
      'kept, edited',
    ]);
    expect(ofType(stream.items, 'MessageAdded')).toEqual([]);
    expect(ofType(stream.items, 'ResyncRequired')).toEqual([]);
    expect(JSON.stringify(stream.items)).not.toContain('not for Bob');
    expect(await bodies(bob, c)).toEqual(['kept, edited']);
    stream.stop();
    await client.dispose();
  });
});
