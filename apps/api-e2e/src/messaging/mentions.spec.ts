import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir } from '../support';
import {
  appUser,
  createGroup,
  expectCode,
  expectNoUnexpectedErrors,
  newClientId,
  startMessagingApi,
  User,
} from './messaging-helpers';

const MENTION_FIELDS = 'id body mentionsAll mentionsMe mentions { id name }';
const SEND = `mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ ${MENTION_FIELDS} } }`;
const EDIT = `mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ ${MENTION_FIELDS} } }`;
const COUNTS =
  'query($id:ID!){ conversation(id:$id){ unreadCount unreadMentionCount mentionAll } }';
const HISTORY = `query($c:ID!){ messages(conversationId:$c, last:50){ edges { node { ${MENTION_FIELDS} } } } }`;

interface Mentioning {
  id: string;
  body: string;
  mentionsAll: boolean;
  mentionsMe: boolean;
  mentions: { id: string; name: string }[];
}

const tok = (u: User) => `<@${u.id}>`;

describe('mentions: resolved by the server, @all by policy, per-viewer flags and counts', () => {
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

  const send = async (who: User, c: string, body: string) =>
    (await ok<{ sendMessage: Mentioning }>(api, SEND, { c, k: newClientId(), b: body }, who.token))
      .sendMessage;
  const counts = async (who: User, id: string) =>
    (
      await ok<{
        conversation: { unreadCount: number; unreadMentionCount: number; mentionAll: string };
      }>(api, COUNTS, { id }, who.token)
    ).conversation;
  const asSeenBy = async (who: User, c: string, id: string) =>
    (
      await ok<{ messages: { edges: { node: Mentioning }[] } }>(api, HISTORY, { c }, who.token)
    ).messages.edges
      .map((e) => e.node)
      .find((m) => m.id === id)!;

  it('members named by token are mentioned; strangers and malformed tokens stay text; the body round-trips', async () => {
    const [ada, bob, cy, eve] = await Promise.all(
      ['Ada', 'Bob ‮evil', 'Cy 👩‍👩‍👧', 'Eve'].map((n) => appUser(api, n)),
    );
    const group = await createGroup(api, ada, [bob, cy], 'Mentions');
    const body = `hi ${tok(bob)} ${tok(cy)} ${tok(eve)} <@not-an-id> \u202e${tok(bob)}\u200d ✓`;
    const sent = await send(ada, group, body);
    expect(sent.body).toBe(body);
    expect(sent.mentions.map((u) => u.id)).toEqual([bob.id, cy.id]);
    expect(sent.mentions.map((u) => u.name)).toEqual(['Bob ‮evil', 'Cy 👩‍👩‍👧']);
    expect(sent.mentionsMe).toBe(false);
    expect((await asSeenBy(bob, group, sent.id)).mentionsMe).toBe(true);
    expect((await asSeenBy(cy, group, sent.id)).mentionsMe).toBe(true);
    expect(await counts(bob, group)).toMatchObject({ unreadCount: 1, unreadMentionCount: 1 });
    expect(await counts(ada, group)).toMatchObject({ unreadMentionCount: 0 });

    // An edit that drops Cy and keeps Bob: Cy's count goes; nobody is mentioned twice.
    const edited = (
      await ok<{ editMessage: Mentioning }>(
        api,
        EDIT,
        { id: sent.id, b: `only ${tok(bob)}` },
        ada.token,
      )
    ).editMessage;
    expect(edited.mentions.map((u) => u.id)).toEqual([bob.id]);
    expect(await counts(cy, group)).toMatchObject({ unreadMentionCount: 0 });
    expect(await counts(bob, group)).toMatchObject({ unreadMentionCount: 1 });
  });

  it('@all follows the conversation setting, which only admins change', async () => {
    const [owner, member] = await Promise.all([appUser(api, 'Owner'), appUser(api, 'Member')]);
    const group = await createGroup(api, owner, [member], 'All hands');
    expect(await counts(owner, group)).toMatchObject({ mentionAll: 'MEMBERS' });

    const byMember = await send(member, group, 'hey @all');
    expect(byMember.mentionsAll).toBe(true);
    expect((await asSeenBy(owner, group, byMember.id)).mentionsMe).toBe(true);
    expect(await counts(owner, group)).toMatchObject({ unreadMentionCount: 1 });

    const update = (who: User, policy: string) =>
      gql(
        api,
        'mutation($c:ID!,$p:MentionAllPolicy){ updateConversation(input:{conversationId:$c, mentionAll:$p}){ mentionAll } }',
        { c: group, p: policy },
        who.token,
      );
    expectCode(await update(member, 'ADMINS'), 'FORBIDDEN');
    const changed = await update(owner, 'ADMINS');
    expect(changed.errors).toBeUndefined();
    expect(changed.data).toEqual({ updateConversation: { mentionAll: 'ADMINS' } });

    const refused = await send(member, group, '@all again');
    expect(refused).toMatchObject({ body: '@all again', mentionsAll: false });
    expect((await asSeenBy(owner, group, refused.id)).mentionsMe).toBe(false);
    expect(await counts(owner, group)).toMatchObject({ unreadMentionCount: 1 });
    const byOwner = await send(owner, group, '@all: owner speaking');
    expect(byOwner.mentionsAll).toBe(true);
    expect(await counts(member, group)).toMatchObject({ unreadMentionCount: 1 });
  });

  it('refuses more than 50 mentioned people with BAD_USER_INPUT', async () => {
    const ada = await appUser(api, 'Many');
    const group = await createGroup(api, ada, [], 'Many');
    const tokens = Array.from(
      { length: 51 },
      (_, i) => `<@00000000-0000-4000-8000-${String(i).padStart(12, '0')}>`,
    ).join('');
    const result = await gql(api, SEND, { c: group, k: newClientId(), b: tokens }, ada.token);
    expectCode(result, 'BAD_USER_INPUT');
  });
});
