import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiProcess,
  Collector,
  gql,
  GqlResult,
  nextPhone,
  ok,
  removeDataDir,
  Session,
  signUp,
  sleep,
  startApi,
  wsClient,
} from '../support';
import { Ev, ofType, STREAM } from '../realtime/realtime-helpers';
import {
  accessToken,
  ackedSocket,
  appToken,
  appUser,
  CaseTable,
  unexpectedErrors,
  claimsOf,
  embeddedJwtSecret,
  expectCleanErrors,
  median,
  newTenantSecret,
  openSocket,
  outcomeOf,
  percentile,
  post,
  RawSocket,
  snapshot,
  unsignedToken,
  wsCode,
  wsOperation,
} from './hardening-helpers';

/**
 * Identity and isolation under attack: forged tokens, OTP brute force and enumeration, and ids
 * of other tenants' and other members' objects in every operation that takes one. The API runs
 * behind a (simulated) reverse proxy, TRUST_PROXY=loopback, so each attack can come from its
 * own client address without exhausting the per-IP limits of the others.
 */
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const secret = newTenantSecret();
const table = new CaseTable('Hostile identity and isolation');
let api: ApiProcess;
let acmeSecret = '';
let owner: Session; // tenant default, with a phone
let member: Session; // tenant default, with a phone
let outsider: Session; // tenant default, not a member of anything of owner's
let foreigner: Session; // tenant acme
let group = '';
let dm = '';
let foreignGroup = '';
let messageId = '';
let nextIp = 1;
/** A fresh client address (the proxy's X-Forwarded-For). */
const ip = () => ({ 'x-forwarded-for': `198.51.100.${nextIp++}` });
const RANDOM = () => randomUUID();

beforeAll(async () => {
  api = await startApi({ ADMIN_TOKEN, DEFAULT_TENANT_SECRET: secret, TRUST_PROXY: 'loopback' });
  const created = await gql<{ createTenant: { signingSecret: string } }>(
    api,
    'mutation { createTenant(id: "acme", name: "Acme") { signingSecret } }',
    {},
    undefined,
    { 'x-admin-token': ADMIN_TOKEN },
  );
  acmeSecret = created.data!.createTenant.signingSecret;
  owner = await signUp(api, 'Owner');
  member = await signUp(api, 'Member');
  outsider = await appUser(api, 'Outsider', secret);
  foreigner = await appUser(api, 'Foreigner', acmeSecret, 'acme');
  group = (
    await ok(
      api,
      'mutation($m:[ID!]!){ createGroup(input:{title:"Private", memberIds:$m}){ id } }',
      { m: [member.userId] },
      owner.accessToken,
    )
  ).createGroup.id;
  dm = (
    await ok(
      api,
      'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
      { u: member.userId },
      owner.accessToken,
    )
  ).openDirectConversation.id;
  messageId = (
    await ok(
      api,
      'mutation($c:ID!){ sendMessage(input:{conversationId:$c, clientMessageId:"secret-1", body:"secret plans"}){ id } }',
      { c: group },
      owner.accessToken,
    )
  ).sendMessage.id;
  await ok(
    api,
    'mutation($c:ID!){ sendMessage(input:{conversationId:$c, clientMessageId:"secret-2", body:"secret dm"}){ id } }',
    { c: dm },
    owner.accessToken,
  );
  await ok(
    api,
    'mutation($p:String!){ addContact(phone:$p){ user { id } } }',
    { p: member.phone },
    owner.accessToken,
  );
  foreignGroup = (
    await ok(
      api,
      'mutation { createGroup(input:{title:"Acme only", memberIds:[]}){ id } }',
      {},
      foreigner.accessToken,
    )
  ).createGroup.id;
}, 60_000);

afterAll(async () => {
  table.print();
  if (api) {
    expect(unexpectedErrors(api)).toEqual([]);
    // Secrets never reach the log: tokens, refresh tokens, the admin token, tenant secrets.
    const logged = api.output();
    const secrets = {
      ownerAccess: owner?.accessToken,
      ownerRefresh: owner?.refreshToken,
      memberRefresh: member?.refreshToken,
      admin: ADMIN_TOKEN,
      acmeSecret,
      defaultSecret: secret,
    };
    expect(
      Object.entries(secrets)
        .filter(([, v]) => v && logged.includes(v))
        .map(([k]) => k),
    ).toEqual([]);
    await api.stop();
    removeDataDir(api);
  }
});

const ME = '{ me { id name } }';
const wsClose = async (token: string): Promise<number> => {
  const s = await openSocket(api);
  s.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
  return (await s.closed).code;
};

describe('forged, unsigned, expired and foreign tokens', () => {
  it('refuses a token signed with another key (HTTP UNAUTHENTICATED, WS 4403)', async () => {
    const claims = claimsOf(owner.accessToken);
    const forged = await new SignJWT({ ...claims, sub: outsider.userId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('attacker-chosen-secret-0123456789abcdef'));
    const http = await post(api, ME, {}, forged);
    const close = await wsClose(forged);
    table.add('forged signature', 'HTTP', '200 UNAUTHENTICATED', outcomeOf(http));
    table.add('forged signature', 'WS', 'close 4403', `close ${close}`);
    expectCleanErrors(http.json, 'UNAUTHENTICATED');
    expect(http.json?.data ?? null).toBeNull();
    expect(close).toBe(4403);
  });

  it('refuses alg:none and algorithm-confusion tokens (HS512, RS256 header) ', async () => {
    const claims = claimsOf(owner.accessToken);
    const none = unsignedToken(claims);
    const [h, p, s] = owner.accessToken.split('.');
    const relabelled = [
      `${Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url')}.${p}.${s}`,
      `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url')}.${p}.${s}`,
      `${h}.${p}.`,
    ];
    for (const token of [none, ...relabelled]) {
      expectCleanErrors((await post(api, ME, {}, token)).json, 'UNAUTHENTICATED');
      expect(await wsClose(token)).toBe(4403);
    }
    table.add(
      'alg:none / relabelled alg / stripped signature',
      'HTTP',
      '200 UNAUTHENTICATED',
      '200 UNAUTHENTICATED',
    );
    table.add('alg:none / relabelled alg / stripped signature', 'WS', 'close 4403', 'close 4403');
  });

  it('answers TOKEN_EXPIRED for a correctly signed but expired token, and closes its socket with 4403', async () => {
    const claims = claimsOf(owner.accessToken) as { sub: string; tid: string; sid: string };
    const now = Math.floor(Date.now() / 1000);
    const expired = await accessToken(embeddedJwtSecret(api), {
      sub: claims.sub,
      tid: claims.tid,
      sid: claims.sid,
      iat: now - 1000,
      exp: now - 10,
    });
    const http = await post(api, ME, {}, expired);
    const close = await wsClose(expired);
    const expiredApp = await appToken(secret, 'expired-app-user', {
      expiresIn: -60,
      issuedAt: now - 600,
    });
    const httpApp = await post(api, ME, {}, expiredApp);
    table.add('expired access token', 'HTTP', '200 TOKEN_EXPIRED', outcomeOf(http));
    table.add('expired access token', 'WS', 'close 4403', `close ${close}`);
    table.add('expired app-issued token', 'HTTP', '200 TOKEN_EXPIRED', outcomeOf(httpApp));
    expectCleanErrors(http.json, 'TOKEN_EXPIRED');
    expect(close).toBe(4403);
    expectCleanErrors(httpApp.json, 'TOKEN_EXPIRED');
  });

  it('refuses a token of another Chatter deployment (other JWT secret, same claims)', async () => {
    const claims = claimsOf(owner.accessToken) as {
      sub: string;
      tid: string;
      sid: string;
      exp: number;
    };
    const other = await accessToken(randomBytes(32).toString('hex'), claims);
    const http = await post(api, ME, {}, other);
    table.add('token of another deployment', 'HTTP', '200 UNAUTHENTICATED', outcomeOf(http));
    expectCleanErrors(http.json, 'UNAUTHENTICATED');
    expect(await wsClose(other)).toBe(4403);
  });

  it('refuses app tokens across tenants: acme issuer with the default secret, default issuer with acme’s, unknown tenants', async () => {
    const before = await ok(api, '{ me { id } }', {}, foreigner.accessToken);
    const tokens = [
      await appToken(secret, 'crosser', { tenant: 'acme' }), // claims acme, signed with default's secret
      await appToken(acmeSecret, 'crosser', { tenant: 'default' }), // claims default, signed with acme's
      await appToken(secret, 'crosser', { tenant: 'nope' }),
      await appToken(secret, 'crosser', { tenant: 'DEFAULT' }),
      await appToken(secret, 'crosser', { tenant: '../default' }),
    ];
    for (const token of tokens) {
      const a = await post(api, ME, {}, token);
      expectCleanErrors(a.json, 'UNAUTHENTICATED');
      expect(await wsClose(token)).toBe(4403);
    }
    table.add(
      'app token of another tenant / unknown tenant',
      'HTTP',
      '200 UNAUTHENTICATED',
      '200 UNAUTHENTICATED',
    );
    table.add('app token of another tenant / unknown tenant', 'WS', 'close 4403', 'close 4403');
    expect(await ok(api, '{ me { id } }', {}, foreigner.accessToken)).toEqual(before);
  });

  it('a mutation under a forged token changes nothing', async () => {
    const before = await snapshot(api, owner, [group]);
    const forged = unsignedToken({ ...claimsOf(owner.accessToken) });
    const a = await post(
      api,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, title:"Pwned"}){ id } }',
      { c: group },
      forged,
    );
    const b = await post(api, 'mutation { updateProfile(input:{name:"Pwned"}){ id } }', {}, forged);
    table.add('mutation with alg:none token', 'HTTP', '200 UNAUTHENTICATED', outcomeOf(a));
    expectCleanErrors(a.json, 'UNAUTHENTICATED');
    expectCleanErrors(b.json, 'UNAUTHENTICATED');
    expect(await snapshot(api, owner, [group])).toEqual(before);
  });
});

describe('one-time codes: brute force and enumeration', () => {
  const REQUEST =
    'mutation($p:String!){ requestLoginCode(phone:$p){ sent expiresInSeconds resendAfterSeconds } }';
  const VERIFY =
    'mutation($p:String!,$c:String!,$n:String){ verifyLoginCode(phone:$p, code:$c, name:$n){ accessToken user { id } } }';
  const codes = (phone: string) =>
    [
      ...api
        .output()
        .matchAll(new RegExp(`login code for \\${phone} in tenant default: (\\d{6})`, 'g')),
    ].map((m) => m[1]!);
  const freshCode = async (phone: string, headers: Record<string, string>) => {
    const n = codes(phone).length;
    expect((await post(api, REQUEST, { p: phone }, undefined, headers)).json?.data).toBeTruthy();
    for (let i = 0; i < 200 && codes(phone).length === n; i++) await sleep(25);
    return codes(phone).at(-1)!;
  };
  const wrong = (code: string, i: number) =>
    String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');

  it('allows 5 guesses per code: the right code on the 5th works; after 5 wrong ones the 6th is LOGIN_CODE_EXPIRED', async () => {
    const lucky = nextPhone();
    const from = ip();
    const luckyCode = await freshCode(lucky, from);
    for (let i = 0; i < 4; i++)
      expectCleanErrors(
        (await post(api, VERIFY, { p: lucky, c: wrong(luckyCode, i), n: 'Lucky' }, undefined, from))
          .json,
        'LOGIN_CODE_INVALID',
      );
    expect(
      (await post(api, VERIFY, { p: lucky, c: luckyCode, n: 'Lucky' }, undefined, from)).json
        ?.errors,
    ).toBeUndefined();

    const phone = nextPhone();
    const code = await freshCode(phone, from);
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        outcomeOf(
          await post(api, VERIFY, { p: phone, c: wrong(code, i), n: 'Brute' }, undefined, from),
        ),
      );
    const sixth = await post(api, VERIFY, { p: phone, c: code, n: 'Brute' }, undefined, from);
    // The 5th wrong guess is checked and burns the code, so it already answers "expired".
    const expected = [...Array(4).fill('200 LOGIN_CODE_INVALID'), '200 LOGIN_CODE_EXPIRED'];
    table.add(
      'OTP: 5 wrong then the right code',
      'HTTP',
      '4× INVALID, 5th burns (EXPIRED), 6th EXPIRED',
      `${outcomes.map((o) => o.split(' ')[1]!.replace('LOGIN_CODE_', '')).join(',')}; 6th ${outcomeOf(sixth).split(' ')[1]!.replace('LOGIN_CODE_', '')}`,
      JSON.stringify(outcomes) === JSON.stringify(expected) &&
        outcomeOf(sixth) === '200 LOGIN_CODE_EXPIRED',
    );
    expect(outcomes).toEqual(expected);
    expectCleanErrors(sixth.json, 'LOGIN_CODE_EXPIRED');
    // Nothing was created, and the number is not locked out: a fresh code still asks for a name.
    const again = await freshCode(phone, from);
    expectCleanErrors(
      (await post(api, VERIFY, { p: phone, c: again, n: null }, undefined, from)).json,
      'NAME_REQUIRED',
    );
    expect(
      (await post(api, VERIFY, { p: phone, c: again, n: 'Brute' }, undefined, from)).json?.errors,
    ).toBeUndefined();
  });

  it('counts concurrent guesses atomically: of 30 parallel wrong codes exactly 5 are checked (4 INVALID + 1 that burns)', async () => {
    const phone = nextPhone();
    const from = ip();
    const code = await freshCode(phone, from);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(api, VERIFY, { p: phone, c: wrong(code, i), n: 'Racer' }, undefined, from),
      ),
    );
    const byCode = answers.reduce<Record<string, number>>((acc, a) => {
      const c = a.json?.errors?.[0]?.extensions?.code ?? 'data';
      acc[c] = (acc[c] ?? 0) + 1;
      return acc;
    }, {});
    const right = await post(api, VERIFY, { p: phone, c: code, n: 'Racer' }, undefined, from);
    // Exactly five guesses are checked (four answered INVALID, the fifth burns the code).
    table.add(
      'OTP: 30 parallel wrong codes',
      'HTTP',
      '4 INVALID, 26 EXPIRED; right code EXPIRED',
      `${byCode.LOGIN_CODE_INVALID ?? 0} INVALID, ${byCode.LOGIN_CODE_EXPIRED ?? 0} EXPIRED; right code ${outcomeOf(right).split(' ')[1]!.replace('LOGIN_CODE_', '')}`,
    );
    expect(byCode).toEqual({ LOGIN_CODE_INVALID: 4, LOGIN_CODE_EXPIRED: 26 });
    expectCleanErrors(right.json, 'LOGIN_CODE_EXPIRED');
  });

  it('answers requestLoginCode identically for registered and unknown numbers (bodies; timing printed)', async () => {
    // Five registered numbers (four requests each, under the per-number limit) and twenty unknown ones.
    const known: string[] = [];
    for (let i = 0; i < 5; i++) known.push((await signUpFrom(`Known ${i}`, ip())).phone);
    const timeKnown: number[] = [];
    const timeUnknown: number[] = [];
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i++) {
      // Interleaved, so drift (GC, other load) hits both sides alike.
      for (const [phone, times] of [
        [known[i % 5]!, timeKnown],
        [nextPhone(), timeUnknown],
      ] as const) {
        const started = performance.now();
        const a = await post(api, REQUEST, { p: phone }, undefined, ip());
        times.push(performance.now() - started);
        expect(a.status).toBe(200);
        bodies.add(a.text.trim());
      }
    }
    const row = (name: string, t: number[]) =>
      `| ${name.padEnd(10)} | ${median(t).toFixed(2).padStart(8)} | ${percentile(t, 10).toFixed(2).padStart(8)} | ${percentile(t, 90).toFixed(2).padStart(8)} |`;
    console.log(
      [
        '\nrequestLoginCode latency in ms (20 requests each, log sender, interleaved):',
        '| numbers    |   median |      p10 |      p90 |',
        '| ---------- | -------- | -------- | -------- |',
        row('registered', timeKnown),
        row('unknown', timeUnknown),
        `| difference of medians: ${(median(timeKnown) - median(timeUnknown)).toFixed(2)} ms; spread (p90-p10) registered ${(percentile(timeKnown, 90) - percentile(timeKnown, 10)).toFixed(2)} ms, unknown ${(percentile(timeUnknown, 90) - percentile(timeUnknown, 10)).toFixed(2)} ms`,
      ].join('\n'),
    );
    table.add(
      'enumeration: requestLoginCode bodies',
      'HTTP',
      '1 distinct body',
      `${bodies.size} distinct body`,
    );
    expect([...bodies]).toEqual([
      '{"data":{"requestLoginCode":{"sent":true,"expiresInSeconds":300,"resendAfterSeconds":30}}}',
    ]);
  });

  it('answers verifyLoginCode identically for registered and unknown numbers (wrong code, no code pending)', async () => {
    const knownPhone = (await signUpFrom('Verifier', ip())).phone;
    const unknownPhone = nextPhone();
    const noCode = [knownPhone, unknownPhone].map(
      async (p) => (await post(api, VERIFY, { p, c: '000000', n: null }, undefined, ip())).text,
    );
    const [k1, u1] = await Promise.all(noCode);
    expect(k1).toBe(u1);
    const from = ip();
    const kc = await freshCode(knownPhone, from);
    const uc = await freshCode(unknownPhone, from);
    const k2 = (
      await post(api, VERIFY, { p: knownPhone, c: wrong(kc, 0), n: null }, undefined, from)
    ).text;
    const u2 = (
      await post(api, VERIFY, { p: unknownPhone, c: wrong(uc, 0), n: null }, undefined, from)
    ).text;
    expect(k2).toBe(u2);
    expect(JSON.parse(k2).errors[0].extensions.code).toBe('LOGIN_CODE_INVALID');
    table.add(
      'enumeration: verifyLoginCode bodies',
      'HTTP',
      'identical',
      k1 === u1 && k2 === u2 ? 'identical' : 'differ',
    );
  });
});

async function signUpFrom(name: string, headers: Record<string, string>): Promise<Session> {
  const phone = nextPhone();
  await post(
    api,
    'mutation($p:String!){ requestLoginCode(phone:$p){ sent } }',
    { p: phone },
    undefined,
    headers,
  );
  const code = await api.loginCode(phone);
  const data = (
    await post(
      api,
      'mutation($p:String!,$c:String!,$n:String){ verifyLoginCode(phone:$p, code:$c, name:$n){ accessToken user { id } } }',
      { p: phone, c: code, n: name },
      undefined,
      headers,
    )
  ).json?.data as { verifyLoginCode: { accessToken: string; user: { id: string } } };
  return {
    accessToken: data.verifyLoginCode.accessToken,
    refreshToken: '',
    userId: data.verifyLoginCode.user.id,
    phone,
    name,
  };
}

/** Answers must not tell an existing foreign/non-member object from a random id. */
const comparable = (r: GqlResult) =>
  JSON.stringify({
    data: r.data ?? null,
    errors: (r.errors ?? []).map((e) => ({ message: e.message, code: e.extensions?.code })),
  });

describe('ids of other tenants and of conversations one is not in', () => {
  const byConversation = (): [string, string, Record<string, unknown>][] => [
    ['messages', 'query($c:ID!){ messages(conversationId:$c){ edges { node { id } } } }', {}],
    [
      'sendMessage',
      'mutation($c:ID!,$k:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:"hi"}){ id } }',
      { k: `x-${randomBytes(3).toString('hex')}` },
    ],
    ['markRead', 'mutation($c:ID!){ markRead(conversationId:$c, seq:1){ id } }', {}],
    ['markDelivered', 'mutation($c:ID!){ markDelivered(conversationId:$c, seq:1) }', {}],
    ['setTyping', 'mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }', {}],
    [
      'updateConversation',
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, title:"mine", muted:true}){ id } }',
      {},
    ],
    ['leaveConversation', 'mutation($c:ID!){ leaveConversation(conversationId:$c) }', {}],
    [
      'addMembers',
      'mutation($c:ID!,$u:ID!){ addMembers(conversationId:$c, userIds:[$u]){ id } }',
      { u: outsider.userId },
    ],
    [
      'removeMember',
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { u: member.userId },
    ],
    [
      'setMemberRole',
      'mutation($c:ID!,$u:ID!){ setMemberRole(conversationId:$c, userId:$u, role:OWNER){ id } }',
      { u: member.userId },
    ],
    ['joinChannel', 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }', {}],
    [
      'searchMessages',
      'query($c:ID!){ searchMessages(query:"secret", conversationId:$c){ edges { node { id } } } }',
      {},
    ],
    ['conversation', 'query($c:ID!){ conversation(id:$c){ id title } }', {}],
  ];
  const byMessage: [string, string, Record<string, unknown>][] = [
    ['editMessage', 'mutation($m:ID!){ editMessage(id:$m, body:"changed"){ id } }', {}],
    ['deleteMessage', 'mutation($m:ID!){ deleteMessage(id:$m){ id } }', {}],
    ['addReaction', 'mutation($m:ID!){ addReaction(messageId:$m, emoji:"👍"){ id } }', {}],
    ['removeReaction', 'mutation($m:ID!){ removeReaction(messageId:$m, emoji:"👍"){ id } }', {}],
    ['votePoll', 'mutation($m:ID!){ votePoll(messageId:$m, optionIds:["0"]){ id } }', {}],
    ['closePoll', 'mutation($m:ID!){ closePoll(messageId:$m){ id } }', {}],
  ];

  const transports = {
    HTTP: async (who: Session, q: string, v: Record<string, unknown>) =>
      (await post(api, q, v, who.accessToken)).json!,
    WS: async (who: Session, q: string, v: Record<string, unknown>) => {
      sockets[who.userId] ??= await ackedSocket(api, who.accessToken);
      return (await wsOperation(sockets[who.userId]!, q, v)).result;
    },
  } as const;
  const sockets: Record<string, RawSocket> = {};
  afterAll(() => Object.values(sockets).forEach((s) => s.ws.terminate()));

  it.each(['HTTP', 'WS'] as const)(
    'conversation and message ids answer as a random id would, over %s',
    async (transport) => {
      const run = transports[transport];
      const before = {
        group: await snapshot(api, owner, [group, dm]),
        member: await snapshot(api, member, [group]),
      };
      let checked = 0;
      for (const who of [outsider, foreigner]) {
        for (const target of [group, dm]) {
          for (const [name, q, v] of byConversation()) {
            const real = await run(who, q, { c: target, ...v });
            const random = await run(who, q, { c: RANDOM(), ...v });
            const code = real.errors?.[0]?.extensions?.code ?? JSON.stringify(real.data);
            expect(
              name === 'conversation' ? JSON.stringify(real.data) : code,
              `${transport} ${name}`,
            ).toBe(name === 'conversation' ? '{"conversation":null}' : 'NOT_FOUND');
            expect(comparable(real), `${transport} ${name}`).toBe(comparable(random));
            checked++;
          }
        }
        for (const [name, q, v] of byMessage) {
          const real = await run(who, q, { m: messageId, ...v });
          const random = await run(who, q, { m: RANDOM(), ...v });
          expect(real.errors?.[0]?.extensions?.code, `${transport} ${name}`).toBe('NOT_FOUND');
          expect(comparable(real), `${transport} ${name}`).toBe(comparable(random));
          checked++;
        }
        // A reply that quotes a message of a conversation the sender is not in.
        const own =
          who === foreigner
            ? foreignGroup
            : (
                await ok(
                  api,
                  'mutation { createGroup(input:{title:"Mine", memberIds:[]}){ id } }',
                  {},
                  who.accessToken,
                )
              ).createGroup.id;
        const REPLY =
          'mutation($c:ID!,$r:ID!,$k:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:"re", replyToId:$r}){ id } }';
        const reply = await run(who, REPLY, {
          c: own,
          r: messageId,
          k: `r-${randomBytes(3).toString('hex')}`,
        });
        const replyRandom = await run(who, REPLY, {
          c: own,
          r: RANDOM(),
          k: `r-${randomBytes(3).toString('hex')}`,
        });
        expect(comparable(reply)).toBe(comparable(replyRandom));
        expect(reply.data ?? null).toBeNull();
        checked++;
      }
      table.add(
        `${checked} id-taking calls with foreign/non-member conversation and message ids`,
        transport,
        'NOT_FOUND, same as a random id',
        'NOT_FOUND, same as a random id',
      );
      expect(await snapshot(api, owner, [group, dm])).toEqual(before.group);
      expect(await snapshot(api, member, [group])).toEqual(before.member);
    },
  );

  it.each(['HTTP', 'WS'] as const)(
    'user ids of another tenant answer as a random id would, over %s',
    async (transport) => {
      const run = transports[transport];
      const before = await snapshot(api, owner, [group]);
      const cases: [string, string, (u: string) => Record<string, unknown>][] = [
        ['user', 'query($u:ID!){ user(id:$u){ id name } }', (u) => ({ u })],
        [
          'openDirectConversation',
          'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
          (u) => ({ u }),
        ],
        [
          'createGroup',
          'mutation($u:ID!){ createGroup(input:{title:"Grab", memberIds:[$u]}){ id } }',
          (u) => ({ u }),
        ],
        [
          'addMembers',
          'mutation($c:ID!,$u:ID!){ addMembers(conversationId:$c, userIds:[$u]){ id } }',
          (u) => ({ c: foreignGroup, u }),
        ],
        [
          'removeMember',
          'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
          (u) => ({ c: foreignGroup, u }),
        ],
        [
          'setMemberRole',
          'mutation($c:ID!,$u:ID!){ setMemberRole(conversationId:$c, userId:$u, role:ADMIN){ id } }',
          (u) => ({ c: foreignGroup, u }),
        ],
        ['removeContact', 'mutation($u:ID!){ removeContact(userId:$u) }', (u) => ({ u })],
        ['blockUser', 'mutation($u:ID!){ blockUser(userId:$u) }', (u) => ({ u })],
        ['unblockUser', 'mutation($u:ID!){ unblockUser(userId:$u) }', (u) => ({ u })],
      ];
      for (const [name, q, vars] of cases) {
        const real = await run(foreigner, q, vars(owner.userId));
        const random = await run(foreigner, q, vars(RANDOM()));
        expect(comparable(real), `${transport} ${name}: ${comparable(real)}`).toBe(
          comparable(random),
        );
        if (name === 'user') expect(real.data).toEqual({ user: null });
        else if (['removeContact', 'unblockUser'].includes(name))
          expect(['NOT_FOUND', undefined], name).toContain(real.errors?.[0]?.extensions?.code);
        else expect(real.errors?.[0]?.extensions?.code, `${transport} ${name}`).toBe('NOT_FOUND');
      }
      // By phone number: another tenant's registered number is as unknown as a number nobody has.
      const byPhone = await run(
        foreigner,
        'mutation($p:String!){ addContact(phone:$p){ user { id } } }',
        { p: owner.phone },
      );
      const unknown = await run(
        foreigner,
        'mutation($p:String!){ addContact(phone:$p){ user { id } } }',
        { p: nextPhone() },
      );
      expect(byPhone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(comparable(byPhone)).toBe(comparable(unknown));
      table.add(
        `${cases.length + 1} user-id / phone calls with another tenant's user`,
        transport,
        'same answer as a random id',
        'same answer as a random id',
      );
      expect(await snapshot(api, owner, [group])).toEqual(before);
      const foreignMembers = await ok<{ conversation: { memberCount: number } }>(
        api,
        'query($c:ID!){ conversation(id:$c){ memberCount } }',
        { c: foreignGroup },
        foreigner.accessToken,
      );
      expect(foreignMembers.conversation.memberCount).toBe(1);
    },
  );

  it('a subscription cursor for a foreign or non-member conversation answers ResyncRequired like a random id, and leaks nothing live', async () => {
    const results: Record<string, string[]> = {};
    for (const [who, label] of [
      [outsider, 'outsider'],
      [foreigner, 'foreigner'],
    ] as const) {
      const client = wsClient(api, who.accessToken);
      const randomId = RANDOM();
      const stream = new Collector<Ev>(client, STREAM, {
        since: [
          { conversationId: group, afterSeq: 0 },
          { conversationId: randomId, afterSeq: 0 },
        ],
      });
      const items = await stream.until(
        (i) => ofType(i, 'ResyncRequired').length >= 2,
        10_000,
        'two ResyncRequired',
      );
      const resyncs = ofType(items, 'ResyncRequired');
      expect(resyncs.find((r) => r.conversationId === group)?.reason).toBe(
        resyncs.find((r) => r.conversationId === randomId)?.reason,
      );
      await ok(
        api,
        'mutation($c:ID!,$k:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:"after"}){ id } }',
        { c: group, k: `live-${label}` },
        owner.accessToken,
      );
      await sleep(500);
      expect(ofType(stream.items, 'MessageAdded')).toEqual([]);
      results[label] = resyncs.map((r) => r.reason!);
      stream.stop();
      await client.dispose();
    }
    table.add(
      'chatEvents(since: foreign/non-member conversation)',
      'WS',
      'ResyncRequired as for a random id, nothing live',
      `ResyncRequired ${[...new Set(Object.values(results).flat())].join(',')}, nothing live`,
      true,
    );
  });
});

describe('admin surface', () => {
  it('refuses the admin operations over WS too, and for a tenant user’s token', async () => {
    const s = await ackedSocket(api, owner.accessToken);
    const tenants = await wsOperation(s, '{ tenants { id } }');
    const create = await wsOperation(
      s,
      'mutation { createTenant(id:"ws-evil", name:"Evil"){ signingSecret } }',
    );
    s.ws.terminate();
    table.add(
      'admin query/mutation over a user socket',
      'WS',
      'FORBIDDEN',
      `${wsCode(tenants)}/${wsCode(create)}`,
      wsCode(tenants) === 'FORBIDDEN' && wsCode(create) === 'FORBIDDEN',
    );
    expect(wsCode(tenants)).toBe('FORBIDDEN');
    expect(wsCode(create)).toBe('FORBIDDEN');
    const list = await gql<{ tenants: { id: string }[] }>(
      api,
      '{ tenants { id } }',
      {},
      undefined,
      { 'x-admin-token': ADMIN_TOKEN },
    );
    expect(list.data!.tenants.map((t) => t.id).sort()).toEqual(['acme', 'default']);
  });
});
