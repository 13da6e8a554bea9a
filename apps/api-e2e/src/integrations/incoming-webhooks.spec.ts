import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, codeOf, gql, ok, removeDataDir, Session, signUp, startApi } from '../support';

/**
 * Incoming webhooks against a real API: a secret path posts `{text}` into one conversation as the
 * bot; wrong secrets, oversized or malformed bodies are refused; revocation ends the URL at once.
 */
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const MESSAGES = `query($c:ID!) { messages(conversationId: $c, last: 20) { edges { node { body sender { name isBot } } } } }`;

describe('incoming webhooks', () => {
  let api: ApiProcess;
  let ada: Session;

  beforeAll(async () => {
    api = await startApi({ ADMIN_TOKEN });
    ada = await signUp(api, 'Ada');
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

  it('posts as the bot, refuses wrong secrets and bad bodies, and stops at revocation', async () => {
    const created = await gql(
      api,
      'mutation { createBot(tenantId: "default", name: "CI", scopes: [READ, SEND]) { token bot { id } } }',
      {},
      undefined,
      { 'x-admin-token': ADMIN_TOKEN },
    );
    const { token, bot } = (created.data as { createBot: { token: string; bot: { id: string } } })
      .createBot;
    const group = (
      await ok<{ createGroup: { id: string } }>(
        api,
        'mutation($m:[ID!]!) { createGroup(input: { title: "Builds", memberIds: $m }) { id } }',
        { m: [bot.id] },
        ada.accessToken,
      )
    ).createGroup.id;
    const CREATE =
      'mutation($c:ID!) { createIncomingWebhook(conversationId: $c) { path webhook { id } } }';
    expect(codeOf(await gql(api, CREATE, { c: group }, ada.accessToken))).toBe('FORBIDDEN');
    const hook = (
      await ok<{ createIncomingWebhook: { path: string; webhook: { id: string } } }>(
        api,
        CREATE,
        { c: group },
        token,
      )
    ).createIncomingWebhook;
    expect(hook.path).toMatch(/^\/hooks\/incoming\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{32}$/);

    const posted = await post(
      hook.path,
      JSON.stringify({ text: 'build #42 passed', username: 'x' }),
    );
    expect(posted.status).toBe(200);
    expect(await posted.json()).toMatchObject({ ok: true });
    const seen = await ok<{ messages: { edges: { node: unknown }[] } }>(
      api,
      MESSAGES,
      { c: group },
      ada.accessToken,
    );
    expect(seen.messages.edges.map((e) => e.node)).toContainEqual({
      body: 'build #42 passed',
      sender: { name: 'CI', isBot: true },
    });

    const wrong = hook.path.replace(/[^/]+$/, 'A'.repeat(32));
    expect((await post(wrong, JSON.stringify({ text: 'x' }))).status).toBe(404);
    expect((await post(hook.path, JSON.stringify({ nope: 1 }))).status).toBe(400);
    expect((await post(hook.path, 'text=hi', 'application/x-www-form-urlencoded')).status).toBe(
      400,
    );
    expect((await post(hook.path, JSON.stringify({ text: 'x'.repeat(20_000) }))).status).toBe(413);
    expect((await post(hook.path, JSON.stringify({ text: 'y'.repeat(4_001) }))).status).toBe(400);

    await ok(
      api,
      'mutation($id:ID!) { revokeIncomingWebhook(id: $id) { revokedAt } }',
      { id: hook.webhook.id },
      token,
    );
    expect((await post(hook.path, JSON.stringify({ text: 'after revoke' }))).status).toBe(404);
  }, 30_000);
});
