import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiProcess,
  codeOf,
  Collector,
  gql,
  ok,
  removeDataDir,
  Session,
  signUp,
  startApi,
  wsClient,
} from '../support';

/**
 * Bot accounts against a real API: created by an operator with a token shown once, added to
 * conversations like a user, limited to their scopes and conversations, badged (`isBot`), and
 * refused at once (socket closed with 4403) when revoked.
 */
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;

const admin = (api: ApiProcess, query: string, variables: Record<string, unknown> = {}) =>
  gql(api, query, variables, undefined, { 'x-admin-token': ADMIN_TOKEN });

const CREATE_BOT = `mutation($name:String!, $scopes:[BotScope!]!, $conv:[ID!]) {
  createBot(tenantId: "default", name: $name, scopes: $scopes, conversationIds: $conv) {
    token bot { id name scopes conversationIds revokedAt }
  }
}`;
const CREATE_GROUP = `mutation($t:String!, $m:[ID!]!) { createGroup(input: { title: $t, memberIds: $m }) { id } }`;
const SEND = `mutation($c:ID!, $b:String!, $k:String!) {
  sendMessage(input: { conversationId: $c, body: $b, clientMessageId: $k }) { id seq sender { id isBot } }
}`;
const MESSAGES = `query($c:ID!) { messages(conversationId: $c, last: 20) { edges { node { body sender { name isBot } } } } }`;

interface CreatedBot {
  token: string;
  bot: { id: string; name: string; scopes: string[]; conversationIds: string[] | null };
}

describe('bot accounts', () => {
  let api: ApiProcess;
  let ada: Session;
  let group: string;
  let other: string;

  const createBot = async (name: string, scopes: string[], conv: string[] | null = null) => {
    const result = await admin(api, CREATE_BOT, { name, scopes, conv });
    expect(result.errors).toBeUndefined();
    return (result.data as { createBot: CreatedBot }).createBot;
  };
  const groupWith = async (title: string, memberIds: string[]) =>
    (
      await ok<{ createGroup: { id: string } }>(
        api,
        CREATE_GROUP,
        { t: title, m: memberIds },
        ada.accessToken,
      )
    ).createGroup.id;

  beforeAll(async () => {
    api = await startApi({ ADMIN_TOKEN });
    ada = await signUp(api, 'Ada');
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('only operators create bots; the token is shown once and the bot is badged', async () => {
    expect(
      codeOf(await gql(api, CREATE_BOT, { name: 'x', scopes: ['READ'] }, ada.accessToken)),
    ).toBe('FORBIDDEN');
    expect(codeOf(await admin(api, CREATE_BOT, { name: 'x', scopes: [] }))).toBe('BAD_USER_INPUT');
    const created = await createBot('Helpdesk', ['SEND', 'READ']);
    expect(created.token).toMatch(/^chb_default\./);
    expect(created.bot).toMatchObject({
      name: 'Helpdesk',
      scopes: ['READ', 'SEND'],
      conversationIds: null,
    });
    const listed = await admin(api, '{ bots(tenantId: "default") { id name revokedAt } }');
    expect((listed.data as { bots: unknown[] }).bots).toContainEqual({
      id: created.bot.id,
      name: 'Helpdesk',
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(created.token.split('.')[2]);

    const me = await ok<{ me: { id: string; isBot: boolean } }>(
      api,
      '{ me { id isBot } }',
      {},
      created.token,
    );
    expect(me.me).toEqual({ id: created.bot.id, isBot: true });
    expect(
      (await ok<{ me: { isBot: boolean } }>(api, '{ me { isBot } }', {}, ada.accessToken)).me.isBot,
    ).toBe(false);
    // A forged secret for the same bot is refused.
    const forged = `${created.token.slice(0, created.token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    expect(codeOf(await gql(api, '{ me { id } }', {}, forged))).toBe('UNAUTHENTICATED');
  });

  it('posts where it was added, like a user, and nowhere else; scopes refuse the rest', async () => {
    const bot = await createBot('Poster', ['READ', 'SEND']);
    group = await groupWith('With bot', [bot.bot.id]);
    other = await groupWith('Without bot', []);

    const sent = await ok<{ sendMessage: { sender: { id: string; isBot: boolean } } }>(
      api,
      SEND,
      { c: group, b: 'hello from a bot', k: 'b-1' },
      bot.token,
    );
    expect(sent.sendMessage.sender).toEqual({ id: bot.bot.id, isBot: true });
    const seen = await ok<{
      messages: { edges: { node: { body: string; sender: { isBot: boolean } } }[] };
    }>(api, MESSAGES, { c: group }, ada.accessToken);
    expect(seen.messages.edges.map((e) => e.node)).toContainEqual({
      body: 'hello from a bot',
      sender: { name: 'Poster', isBot: true },
    });
    expect(codeOf(await gql(api, SEND, { c: other, b: 'x', k: 'b-2' }, bot.token))).toBe(
      'NOT_FOUND',
    );
    // Operations outside any bot scope.
    expect(codeOf(await gql(api, CREATE_GROUP, { t: 'bot group', m: [] }, bot.token))).toBe(
      'FORBIDDEN',
    );
    expect(
      codeOf(
        await gql(api, 'mutation { updateProfile(input: { name: "Evil" }) { id } }', {}, bot.token),
      ),
    ).toBe('FORBIDDEN');

    const reader = await createBot('Reader', ['READ']);
    await ok(
      api,
      'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
      { c: group, u: [reader.bot.id] },
      ada.accessToken,
    );
    expect((await gql(api, MESSAGES, { c: group }, reader.token)).errors).toBeUndefined();
    expect(codeOf(await gql(api, SEND, { c: group, b: 'x', k: 'r-1' }, reader.token))).toBe(
      'FORBIDDEN',
    );
  });

  it('a token scoped to one conversation sees and addresses only that one', async () => {
    const scoped = await createBot('Scoped', ['READ', 'SEND'], [group]);
    for (const c of [group, other])
      await ok(
        api,
        'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
        { c, u: [scoped.bot.id] },
        ada.accessToken,
      );
    const list = await ok<{ conversations: { edges: { node: { id: string } }[] } }>(
      api,
      '{ conversations(first: 50) { edges { node { id } } } }',
      {},
      scoped.token,
    );
    expect(list.conversations.edges.map((e) => e.node.id)).toEqual([group]);
    expect(codeOf(await gql(api, MESSAGES, { c: other }, scoped.token))).toBe('NOT_FOUND');
    expect(codeOf(await gql(api, SEND, { c: other, b: 'x', k: 's-1' }, scoped.token))).toBe(
      'NOT_FOUND',
    );

    // Its stream carries the granted conversation only.
    const client = wsClient(api, scoped.token);
    const events = new Collector<{
      chatEvents: { __typename: string; message?: { body: string } };
    }>(
      client,
      'subscription { chatEvents { __typename ... on MessageAdded { message { body } } } }',
    );
    try {
      await new Promise((r) => setTimeout(r, 500));
      await ok(api, SEND, { c: other, b: 'not for the bot', k: 'a-1' }, ada.accessToken);
      await ok(api, SEND, { c: group, b: 'for the bot', k: 'a-2' }, ada.accessToken);
      await events.until((items) =>
        items.some((i) => i.chatEvents.message?.body === 'for the bot'),
      );
      expect(events.items.map((i) => i.chatEvents.message?.body)).not.toContain('not for the bot');
    } finally {
      events.stop();
      await client.dispose();
    }
  }, 30_000);

  it('revocation refuses the token at once and closes its socket with 4403', async () => {
    const bot = await createBot('Revoked', ['READ']);
    const closed = new Promise<number>((resolve) => {
      // Not lazy, so its closing is expected here rather than printed.
      const client = createClient({
        url: api.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${bot.token}` },
        retryAttempts: 0,
        onNonLazyError: () => undefined,
      });
      client.on('closed', (event) => resolve((event as { code: number }).code));
      client.subscribe(
        { query: 'subscription { chatEvents { __typename } }' },
        {
          next: () => undefined,
          error: () => undefined,
          complete: () => undefined,
        },
      );
    });
    expect((await gql(api, '{ me { id } }', {}, bot.token)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    const revoked = await admin(
      api,
      'mutation($id:ID!){ revokeBot(tenantId: "default", id: $id) { revokedAt } }',
      { id: bot.bot.id },
    );
    expect(
      (revoked.data as { revokeBot: { revokedAt: string | null } }).revokeBot.revokedAt,
    ).not.toBeNull();
    expect(codeOf(await gql(api, '{ me { id } }', {}, bot.token))).toBe('TOKEN_REVOKED');
    expect(await closed).toBe(4403);
  }, 30_000);
});
