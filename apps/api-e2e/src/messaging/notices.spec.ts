import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, Session, signUp, startApi } from '../support';

/** The timeline's lines: membership, role, title and setting changes, read back with their seqs. */

let api: ApiProcess;

beforeAll(async () => {
  api = await startApi({});
});
afterAll(async () => {
  await api?.stop();
});

const NOTICES = `query($c:ID!,$after:Int,$first:Int){ conversationNotices(conversationId:$c, after:$after, first:$first){
  notices { id conversationId seq kind actor { name } member { name } role title historyVisibility }
  hasNextPage } }`;

interface Notice {
  seq: number;
  kind: string;
  actor: { name: string } | null;
  member: { name: string } | null;
  role: string | null;
  title: string | null;
  historyVisibility: string | null;
}

describe('conversation notices', () => {
  it("records who added, removed, renamed, promoted and left, in the conversation's seq order, as each member may see it", async () => {
    const [ada, bob, cyd, eve] = [
      await signUp(api, 'Ada'),
      await signUp(api, 'Bob'),
      await signUp(api, 'Cyd'),
      await signUp(api, 'Eve'),
    ];
    const as = (who: Session, query: string, variables: Record<string, unknown> = {}) =>
      ok(api, query, variables, who.accessToken);
    const notices = async (who: Session, c: string, after?: number, first?: number) =>
      (await as(who, NOTICES, { c, after, first })).conversationNotices as {
        notices: Notice[];
        hasNextPage: boolean;
      };
    const created = await as(
      ada,
      'mutation($m:[ID!]!){ createGroup(input:{title:"Plans", memberIds:$m}){ id } }',
      { m: [bob.userId] },
    );
    const id = created.createGroup.id as string;
    const hi = await as(
      ada,
      'mutation($c:ID!){ sendMessage(input:{conversationId:$c, body:"hi", clientMessageId:"n1"}){ seq } }',
      { c: id },
    );
    expect(hi.sendMessage.seq).toBe(1);
    await as(ada, 'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }', {
      c: id,
      u: [cyd.userId],
    });
    await as(
      ada,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, title:"Trip 🇫🇷 ✈️"}){ id } }',
      {
        c: id,
      },
    );
    await as(
      ada,
      'mutation($c:ID!,$u:ID!){ setMemberRole(conversationId:$c, userId:$u, role: ADMIN){ id } }',
      {
        c: id,
        u: bob.userId,
      },
    );
    await as(
      ada,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, historyVisibility: FULL}){ id } }',
      {
        c: id,
      },
    );

    // Cyd, added under SINCE_JOINED, sees their own addition and what followed, not before.
    const seenByCyd = await notices(cyd, id);
    expect(seenByCyd.notices.map((n) => [n.seq, n.kind])).toEqual([
      [2, 'MEMBER_ADDED'],
      [3, 'TITLE_CHANGED'],
      [4, 'ROLE_CHANGED'],
      [5, 'HISTORY_VISIBILITY_CHANGED'],
    ]);

    await as(bob, 'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }', {
      c: id,
      u: cyd.userId,
    });
    await as(bob, 'mutation($c:ID!){ leaveConversation(conversationId:$c) }', { c: id });

    const all = await notices(ada, id);
    expect(all.hasNextPage).toBe(false);
    expect(all.notices).toEqual([
      expect.objectContaining({
        id: `${id}:2`,
        conversationId: id,
        seq: 2,
        kind: 'MEMBER_ADDED',
        actor: { name: 'Ada' },
        member: { name: 'Cyd' },
      }),
      expect.objectContaining({
        seq: 3,
        kind: 'TITLE_CHANGED',
        actor: { name: 'Ada' },
        title: 'Trip 🇫🇷 ✈️',
        member: null,
      }),
      expect.objectContaining({
        seq: 4,
        kind: 'ROLE_CHANGED',
        actor: { name: 'Ada' },
        member: { name: 'Bob' },
        role: 'ADMIN',
      }),
      expect.objectContaining({
        seq: 5,
        kind: 'HISTORY_VISIBILITY_CHANGED',
        historyVisibility: 'FULL',
      }),
      expect.objectContaining({
        seq: 6,
        kind: 'MEMBER_REMOVED',
        actor: { name: 'Bob' },
        member: { name: 'Cyd' },
      }),
      expect.objectContaining({
        seq: 7,
        kind: 'MEMBER_LEFT',
        actor: { name: 'Bob' },
        member: { name: 'Bob' },
      }),
    ]);
    // The same seqs as the log's events, which a resuming client receives.
    const conversation = await as(ada, 'query($c:ID!){ conversation(id:$c){ lastSeq } }', {
      c: id,
    });
    expect(conversation.conversation.lastSeq).toBe(7);

    // Paging forward from a seq.
    const page = await notices(ada, id, 3, 2);
    expect(page.notices.map((n) => n.seq)).toEqual([4, 5]);
    expect(page.hasNextPage).toBe(true);
    expect((await notices(ada, id, 7)).notices).toEqual([]);

    // Not a member: the same NOT_FOUND as for any conversation one cannot see.
    const outsider = await gql(api, NOTICES, { c: id }, eve.accessToken);
    expect(outsider.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const tooMany = await gql(api, NOTICES, { c: id, first: 101 }, ada.accessToken);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const negative = await gql(api, NOTICES, { c: id, after: -1 }, ada.accessToken);
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('says a member joined a channel by themselves', async () => {
    const [ada, dan] = [await signUp(api, 'Ada'), await signUp(api, 'Dan')];
    const channel = await ok(
      api,
      'mutation { createChannel(input:{title:"Notices open"}){ id } }',
      {},
      ada.accessToken,
    );
    const id = channel.createChannel.id as string;
    await ok(
      api,
      'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }',
      { c: id },
      dan.accessToken,
    );
    const seen = await ok(api, NOTICES, { c: id }, dan.accessToken);
    expect(seen.conversationNotices.notices).toEqual([
      expect.objectContaining({
        seq: 1,
        kind: 'MEMBER_JOINED',
        actor: { name: 'Dan' },
        member: { name: 'Dan' },
      }),
    ]);
  });
});

describe('channel names and descriptions', () => {
  it('refuses a taken channel name with CONFLICT on title, and keeps a description that members see change', async () => {
    const [ada, bob] = [await signUp(api, 'Ada'), await signUp(api, 'Bob')];
    const first = await ok(
      api,
      'mutation { createChannel(input:{title:"Design Reviews", description:"Weekly 🎨 <crit>"}){ id description } }',
      {},
      ada.accessToken,
    );
    expect(first.createChannel.description).toBe('Weekly 🎨 <crit>');
    const id = first.createChannel.id as string;
    const taken = await gql(
      api,
      'mutation { createChannel(input:{title:"  design   REVIEWS "}){ id } }',
      {},
      bob.accessToken,
    );
    expect(taken.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(taken.errors?.[0]?.extensions?.['field']).toBe('title');
    const other = await ok(
      api,
      'mutation { createChannel(input:{title:"Design chat"}){ id } }',
      {},
      bob.accessToken,
    );
    const rename = await gql(
      api,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, title:"design reviews"}){ id } }',
      { c: other.createChannel.id },
      bob.accessToken,
    );
    expect(rename.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    await ok(
      api,
      'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }',
      { c: id },
      bob.accessToken,
    );
    const notAdmin = await gql(
      api,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, description:"mine now"}){ id } }',
      { c: id },
      bob.accessToken,
    );
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tooLong = await gql(
      api,
      'mutation($c:ID!,$d:String!){ updateConversation(input:{conversationId:$c, description:$d}){ id } }',
      { c: id, d: 'x'.repeat(501) },
      ada.accessToken,
    );
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await ok(
      api,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, description:""}){ id } }',
      { c: id },
      ada.accessToken,
    );
    const seen = await ok(
      api,
      `query($c:ID!){ conversation(id:$c){ description } ${NOTICES.replace(/^query\([^)]*\)\{/, '').replace(/\}$/, '')} }`.replace(
        'conversationNotices(conversationId:$c, after:$after, first:$first)',
        'conversationNotices(conversationId:$c)',
      ),
      { c: id },
      bob.accessToken,
    );
    expect(seen.conversation.description).toBeNull();
    expect(seen.conversationNotices.notices.map((n: Notice) => [n.kind, n.actor?.name])).toEqual([
      ['MEMBER_JOINED', 'Bob'],
      ['DESCRIPTION_CHANGED', 'Ada'],
    ]);
  });
});
