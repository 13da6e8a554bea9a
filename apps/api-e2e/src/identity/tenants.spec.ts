import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, nextPhone, ok, removeDataDir, Session, signUp } from '../support';
import {
  appToken,
  conversationsOf,
  expectCode,
  expectNoUnexpectedErrors,
  expectOneOf,
  freshCode,
  history,
  me,
  RANDOM_ID,
  sendText,
  startBuiltApi,
  unsignedToken,
  VERIFY_CODE,
} from './identity-helpers';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const DEFAULT_SECRET = 'e2e-default-tenant-secret-0123456789abcdef';

const CREATE_TENANT =
  'mutation($id:ID!,$n:String!){ createTenant(id:$id, name:$n){ tenant { id name createdAt } signingSecret } }';
const ROTATE = 'mutation($id:ID!){ rotateTenantSecret(id:$id){ tenant { id } signingSecret } }';
const TENANTS = '{ tenants { id name } }';

describe('tenants: admin API, isolation and app-issued tokens', () => {
  let api: ApiProcess;
  let acmeSecret = '';
  const admin = (
    query: string,
    variables: Record<string, unknown> = {},
    token: string | null = ADMIN_TOKEN,
  ) => gql(api, query, variables, undefined, token === null ? {} : { 'x-admin-token': token });
  const tenantIds = async () =>
    ((await admin(TENANTS)).data!.tenants as { id: string }[]).map((t) => t.id).sort();

  beforeAll(async () => {
    api = await startBuiltApi({ ADMIN_TOKEN, DEFAULT_TENANT_SECRET: DEFAULT_SECRET });
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  it('refuses the admin API without or with a wrong x-admin-token (FORBIDDEN), changing nothing', async () => {
    const user = await signUp(api, 'Not An Operator');
    for (const token of [
      null,
      '',
      'wrong',
      `${ADMIN_TOKEN}x`,
      ADMIN_TOKEN.slice(0, -1),
      ADMIN_TOKEN.toUpperCase(),
      'x'.repeat(10_000),
    ]) {
      expectCode(await admin(TENANTS, {}, token), 'FORBIDDEN');
      expectCode(await admin(CREATE_TENANT, { id: 'evil', n: 'Evil' }, token), 'FORBIDDEN');
      expectCode(await admin(ROTATE, { id: 'default' }, token), 'FORBIDDEN');
    }
    // A user's access token is no admin token either.
    expectCode(await gql(api, TENANTS, {}, user.accessToken), 'FORBIDDEN');
    expectCode(
      await gql(
        api,
        'mutation { createTenant(id: "evil2", name: "Evil") { signingSecret } }',
        {},
        user.accessToken,
      ),
      'FORBIDDEN',
    );
    expect(await tenantIds()).toEqual(['default']);
    // The default tenant's secret was not rotated: tokens signed with it still work.
    expect(
      (await me(api, await appToken(DEFAULT_SECRET, { tenant: 'default', sub: 'still-works' })))
        .errors,
    ).toBeUndefined();
  });

  it('creates a tenant with the admin token and lists it; duplicates and bad ids are refused', async () => {
    const created = await admin(CREATE_TENANT, { id: 'acme', n: 'Acme Corp' });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createTenant.tenant).toMatchObject({ id: 'acme', name: 'Acme Corp' });
    acmeSecret = created.data!.createTenant.signingSecret;
    expect(acmeSecret.length).toBeGreaterThanOrEqual(32);
    expect(await tenantIds()).toEqual(['acme', 'default']);

    expectCode(await admin(CREATE_TENANT, { id: 'acme', n: 'Again' }), 'CONFLICT');
    for (const id of [
      '',
      'Acme',
      'has space',
      'under_score',
      '-dash',
      'x'.repeat(41),
      'x'.repeat(10_000),
      '../etc',
      'a.b',
    ]) {
      expectCode(await admin(CREATE_TENANT, { id, n: 'Bad' }), 'BAD_USER_INPUT', 'id');
    }
    for (const n of ['', '   ', 'x'.repeat(10_000), 'bell\u0007']) {
      expectCode(await admin(CREATE_TENANT, { id: 'good-id', n }), 'BAD_USER_INPUT', 'name');
    }
    expectCode(await admin(ROTATE, { id: 'nope' }), 'NOT_FOUND');
    expect(await tenantIds()).toEqual(['acme', 'default']);
  });

  describe('isolation between tenants', () => {
    let alice: Session; // tenant default
    let alicePeer: Session; // tenant default
    let bob: Session; // tenant acme
    let dm = '';
    let group = '';
    let aliceMessageId = '';

    beforeAll(async () => {
      if (!acmeSecret) {
        const created = await admin(CREATE_TENANT, { id: 'acme', n: 'Acme Corp' });
        acmeSecret = created.data?.createTenant.signingSecret ?? acmeSecret;
      }
      alice = await signUp(api, 'Alice');
      alicePeer = await signUp(api, 'Alice Peer');
      bob = await signUp(api, 'Bob', nextPhone(), 'acme');
      dm = (
        await ok(
          api,
          'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
          { u: alicePeer.userId },
          alice.accessToken,
        )
      ).openDirectConversation.id;
      const sent = await sendText(api, alice, dm, 'zebra secret of tenant A');
      aliceMessageId = sent.data!.sendMessage.id;
      group = (
        await ok(
          api,
          'mutation($m:[ID!]!){ createGroup(input:{title:"A team", memberIds:$m}){ id } }',
          { m: [alicePeer.userId] },
          alice.accessToken,
        )
      ).createGroup.id;
      await sendText(api, alice, group, 'zebra plans');
    });

    it('a user of tenant B finds, adds, messages and sees nothing of tenant A', async () => {
      const t = bob.accessToken;
      expectCode(
        await gql(
          api,
          'mutation($p:String!){ addContact(phone:$p){ user { id } } }',
          { p: alice.phone },
          t,
        ),
        'NOT_FOUND',
      );
      expect(
        (await gql(api, 'query($id:ID!){ user(id:$id){ id name } }', { id: alice.userId }, t)).data,
      ).toEqual({ user: null });
      expectCode(
        await gql(
          api,
          'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
          { u: alice.userId },
          t,
        ),
        'NOT_FOUND',
      );
      expectCode(
        await gql(
          api,
          'query($c:ID!){ messages(conversationId:$c){ edges { node { id } } } }',
          { c: dm },
          t,
        ),
        'NOT_FOUND',
      );
      expectCode(await sendText(api, bob, dm, 'hello from B'), 'NOT_FOUND');
      expectCode(await sendText(api, bob, group, 'hello from B'), 'NOT_FOUND');
      expect(
        (await gql(api, 'query($c:ID!){ conversation(id:$c){ id } }', { c: dm }, t)).data,
      ).toEqual({ conversation: null });
      expect(
        (await gql(api, 'query($c:ID!){ conversation(id:$c){ id } }', { c: group }, t)).data,
      ).toEqual({ conversation: null });
      expectCode(
        await gql(api, 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }', { c: group }, t),
        'NOT_FOUND',
      );
      expectCode(
        await gql(api, 'mutation($u:ID!){ blockUser(userId:$u) }', { u: alice.userId }, t),
        'NOT_FOUND',
      );
      expectCode(
        await gql(
          api,
          'mutation($m:ID!){ addReaction(messageId:$m, emoji:"👍"){ id } }',
          { m: aliceMessageId },
          t,
        ),
        'NOT_FOUND',
      );
      expectCode(
        await gql(
          api,
          'mutation($m:ID!){ editMessage(id:$m, body:"pwned"){ id } }',
          { m: aliceMessageId },
          t,
        ),
        'NOT_FOUND',
      );
      expectCode(
        await gql(api, 'mutation($m:ID!){ deleteMessage(id:$m){ id } }', { m: aliceMessageId }, t),
        'NOT_FOUND',
      );
      expectCode(
        await gql(
          api,
          'mutation($c:ID!){ markRead(conversationId:$c, seq:1){ id } }',
          { c: dm },
          t,
        ),
        'NOT_FOUND',
      );
      expectCode(
        await gql(api, 'mutation($c:ID!){ leaveConversation(conversationId:$c) }', { c: group }, t),
        'NOT_FOUND',
      );
      const searched = await gql(
        api,
        '{ searchMessages(query:"zebra"){ edges { node { id } } } }',
        {},
        t,
      );
      expect(searched.data).toEqual({ searchMessages: { edges: [] } });
      expectCode(
        await gql(
          api,
          'query($c:ID!){ searchMessages(query:"zebra", conversationId:$c){ edges { node { id } } } }',
          { c: dm },
          t,
        ),
        'NOT_FOUND',
      );
      // A group of B cannot take in A's users.
      const bGroup = await gql(
        api,
        'mutation($m:[ID!]!){ createGroup(input:{title:"B team", memberIds:$m}){ id } }',
        { m: [alice.userId] },
        t,
      );
      expectCode(bGroup, 'NOT_FOUND');

      // The errors are the same as for ids that never existed.
      const foreign = await gql(
        api,
        'query($c:ID!){ messages(conversationId:$c){ edges { node { id } } } }',
        { c: dm },
        t,
      );
      const missing = await gql(
        api,
        'query($c:ID!){ messages(conversationId:$c){ edges { node { id } } } }',
        { c: RANDOM_ID },
        t,
      );
      expect(foreign).toEqual(missing);

      // B's lists hold nothing of A: no conversations, only B's own general channel.
      expect(await conversationsOf(api, bob)).toEqual([]);
      const channels = await ok(
        api,
        '{ channels(first: 50){ edges { node { id title kind } } } }',
        {},
        t,
      );
      const aliceChannels = await ok(
        api,
        '{ channels(first: 50){ edges { node { id title } } } }',
        {},
        alice.accessToken,
      );
      expect(channels.channels.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(
        ['general'],
      );
      const bGeneral = channels.channels.edges[0].node.id;
      const aGeneral = aliceChannels.channels.edges.find(
        (e: { node: { title: string } }) => e.node.title === 'general',
      ).node.id;
      expect(bGeneral).not.toBe(aGeneral);
      expect(
        (await gql(api, '{ contacts { edges { node { user { id } } } } }', {}, t)).data,
      ).toEqual({ contacts: { edges: [] } });

      // Nothing of A changed.
      expect((await history(api, alice, dm)).map((m) => m.body)).toEqual([
        'zebra secret of tenant A',
      ]);
      expect((await history(api, alicePeer, group)).map((m) => m.body)).toEqual(['zebra plans']);
    });

    it('the same phone number is a separate account in each tenant, and codes are per tenant', async () => {
      const phone = nextPhone();
      const inDefault = await signUp(api, 'Twin A', phone);
      const inAcme = await signUp(api, 'Twin B', phone, 'acme');
      expect(inAcme.userId).not.toBe(inDefault.userId);
      expect((await me(api, inAcme.accessToken)).data?.me.name).toBe('Twin B');
      // Each sees only the other tenant's nothing: the twin is not found across the line.
      expect(
        (
          await gql(
            api,
            'query($id:ID!){ user(id:$id){ id } }',
            { id: inDefault.userId },
            inAcme.accessToken,
          )
        ).data,
      ).toEqual({ user: null });
      // A code sent for one tenant does not sign in to the other.
      const code = await freshCode(api, phone);
      expectCode(
        await gql(api, VERIFY_CODE, { p: phone, c: code, n: null, t: 'acme' }),
        'LOGIN_CODE_EXPIRED',
      );
      const inDefaultAgain = await gql(api, VERIFY_CODE, { p: phone, c: code, n: null, t: null });
      expect(inDefaultAgain.data?.verifyLoginCode.user.id).toBe(inDefault.userId);
    });
  });

  describe('app-issued tokens', () => {
    it('creates the user on first use with the name from the claim, and finds it again later', async () => {
      const token = await appToken(DEFAULT_SECRET, {
        tenant: 'default',
        sub: 'ext-user-1',
        name: 'App User',
      });
      const first = await me(api, token);
      expect(first.errors).toBeUndefined();
      expect(first.data!.me).toMatchObject({ name: 'App User', phone: null });
      const again = await me(
        api,
        await appToken(DEFAULT_SECRET, {
          tenant: 'default',
          sub: 'ext-user-1',
          name: 'Renamed In App',
        }),
      );
      expect(again.data!.me.id).toBe(first.data!.me.id);
      // It is a full user of its tenant: it can write.
      const channels = await ok(api, '{ channels { edges { node { id title } } } }', {}, token);
      const general = channels.channels.edges.find(
        (e: { node: { title: string } }) => e.node.title === 'general',
      ).node.id;
      expect(
        (
          await gql(
            api,
            'mutation($c:ID!){ joinChannel(conversationId:$c){ myRole } }',
            { c: general },
            token,
          )
        ).data?.joinChannel.myRole,
      ).toBe('MEMBER');
    });

    it('works for a created tenant with its secret, and the user lands in that tenant', async () => {
      const token = await appToken(acmeSecret, {
        tenant: 'acme',
        sub: 'acme-42',
        name: 'Acme User',
      });
      const result = await me(api, token);
      expect(result.errors).toBeUndefined();
      expect(result.data!.me.name).toBe('Acme User');
      const channels = await ok(api, '{ channels { edges { node { id title } } } }', {}, token);
      expect(channels.channels.edges).toHaveLength(1);
    });

    it('refuses wrong secrets, alg none, expired tokens, lifetimes over 24 h and cross-tenant signatures, creating nobody', async () => {
      const now = Math.floor(Date.now() / 1000);
      const refused: [string, string][] = [
        [
          await appToken('a-completely-different-secret-0123456789', {
            tenant: 'default',
            sub: 'forged-1',
            name: 'Forged',
          }),
          'UNAUTHENTICATED',
        ],
        [
          unsignedToken({
            iss: 'app:default',
            sub: 'forged-1',
            name: 'Forged',
            iat: now,
            exp: now + 600,
          }),
          'UNAUTHENTICATED',
        ],
        [
          await appToken(
            DEFAULT_SECRET,
            { tenant: 'default', sub: 'forged-1', name: 'Forged' },
            { iat: now - 7200, exp: now - 3600 },
          ),
          'TOKEN_EXPIRED',
        ],
        [
          await appToken(
            DEFAULT_SECRET,
            { tenant: 'default', sub: 'forged-1', name: 'Forged' },
            { iat: now, exp: now + 25 * 3600 },
          ),
          'UNAUTHENTICATED',
        ],
        [
          await appToken(
            DEFAULT_SECRET,
            { tenant: 'default', sub: 'forged-1', name: 'Forged' },
            { iat: now, exp: now + 365 * 86_400 },
          ),
          'UNAUTHENTICATED',
        ],
        // Signed with tenant default's secret but claiming tenant acme, and the other way round.
        [
          await appToken(DEFAULT_SECRET, { tenant: 'acme', sub: 'forged-1', name: 'Forged' }),
          'UNAUTHENTICATED',
        ],
        [
          await appToken(acmeSecret, { tenant: 'default', sub: 'forged-1', name: 'Forged' }),
          'UNAUTHENTICATED',
        ],
        [
          await appToken(
            DEFAULT_SECRET,
            { tenant: 'default', sub: 'forged-1', name: 'Forged' },
            {},
            'HS512',
          ),
          'UNAUTHENTICATED',
        ],
        [
          await appToken(DEFAULT_SECRET, {
            tenant: 'no-such-tenant',
            sub: 'forged-1',
            name: 'Forged',
          }),
          'UNAUTHENTICATED',
        ],
        [
          await appToken(DEFAULT_SECRET, { tenant: 'default', iss: 'app:', sub: 'forged-1' }),
          'UNAUTHENTICATED',
        ],
        [
          await appToken(DEFAULT_SECRET, {
            tenant: 'default',
            iss: 'app:../../etc',
            sub: 'forged-1',
          }),
          'UNAUTHENTICATED',
        ],
        [
          await appToken(DEFAULT_SECRET, { tenant: 'default', name: 'No Subject' }),
          'UNAUTHENTICATED',
        ],
        [await appToken(DEFAULT_SECRET, { tenant: 'default', sub: '' }), 'UNAUTHENTICATED'],
        [
          await appToken(DEFAULT_SECRET, { tenant: 'default', sub: 'x'.repeat(500) }),
          'UNAUTHENTICATED',
        ],
      ];
      for (const [token, code] of refused) {
        const result = await me(api, token);
        expectCode(result, code);
        expect(result.data ?? null).toBeNull();
      }
      // None of them created the user: the first valid token does, with its own name.
      const real = await me(
        api,
        await appToken(DEFAULT_SECRET, { tenant: 'default', sub: 'forged-1', name: 'Genuine' }),
      );
      expect(real.data?.me.name).toBe('Genuine');
    });

    it('refuses a token whose lifetime from now exceeds 24 h even when it claims a future iat', async () => {
      const now = Math.floor(Date.now() / 1000);
      const iat = now + 9 * 86_400;
      const result = await me(
        api,
        await appToken(
          DEFAULT_SECRET,
          { tenant: 'default', sub: 'future-iat', name: 'Time Traveller' },
          { iat, exp: iat + 3600 },
        ),
      );
      expectCode(result, 'UNAUTHENTICATED');
    });

    it('treats the name claim like any user name: no control characters', async () => {
      const controlled = await me(
        api,
        await appToken(DEFAULT_SECRET, {
          tenant: 'default',
          sub: 'ctrl-name',
          name: 'evil\u0007\u001b[2J\nname',
        }),
      );
      if (controlled.errors) expectOneOf(controlled, ['UNAUTHENTICATED', 'BAD_USER_INPUT']);
      else {
        const codes = [...(controlled.data!.me.name as string)].map((c) => c.codePointAt(0)!);
        expect(codes.filter((c) => c < 0x20 || (c >= 0x7f && c <= 0x9f))).toEqual([]);
      }
    });

    it('shortens a long name claim by whole characters, never splitting an emoji', async () => {
      const long = await me(
        api,
        await appToken(DEFAULT_SECRET, {
          tenant: 'default',
          sub: 'long-name',
          name: `${'x'.repeat(63)}😀😀`,
        }),
      );
      if (long.errors) expectOneOf(long, ['UNAUTHENTICATED', 'BAD_USER_INPUT']);
      else {
        const name = long.data!.me.name as string;
        expect(name).not.toMatch(
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
        );
        expect(name).not.toContain('\ufffd');
        expect([...name].length).toBeLessThanOrEqual(64);
        expect(name.startsWith('x'.repeat(63))).toBe(true);
      }
    });

    it('rotating a tenant secret retires tokens signed with the old one', async () => {
      const old = await appToken(acmeSecret, { tenant: 'acme', sub: 'rotating', name: 'Rotating' });
      expect((await me(api, old)).errors).toBeUndefined();
      const rotated = await gql(api, ROTATE, { id: 'acme' }, undefined, {
        'x-admin-token': ADMIN_TOKEN,
      });
      const fresh = rotated.data!.rotateTenantSecret.signingSecret as string;
      expect(fresh).not.toBe(acmeSecret);
      expectCode(
        await me(api, await appToken(acmeSecret, { tenant: 'acme', sub: 'rotating' })),
        'UNAUTHENTICATED',
      );
      const renewed = await me(api, await appToken(fresh, { tenant: 'acme', sub: 'rotating' }));
      expect(renewed.data?.me.name).toBe('Rotating');
      acmeSecret = fresh;
    });
  });
});
