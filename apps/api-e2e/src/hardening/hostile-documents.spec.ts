import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, ok, removeDataDir, Session, startApi } from '../support';
import {
  ackedSocket,
  appUser,
  CaseTable,
  unexpectedErrors,
  expectCleanErrors,
  newTenantSecret,
  openSocket,
  outcomeOf,
  post,
  rawGet,
  rawPost,
  RawSocket,
  readyz,
  snapshot,
  Snapshot,
  wsCode,
  wsOperation,
  SEND_MESSAGE,
} from './hardening-helpers';

/**
 * Hostile documents and request bodies against an API in production mode (introspection off,
 * suggestions hidden): every case asserts the exact answer (status and code) and that nothing
 * the victim can see changed.
 */
const secret = newTenantSecret();
const table = new CaseTable('Hostile documents and bodies (production mode)');
let api: ApiProcess;
let ada: Session;
let bob: Session;
let conv: string;
let socket: RawSocket;

const json = (token?: string) => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});

let before: Snapshot;
const remember = async () => (before = await snapshot(api, ada, [conv]));
const expectUnchanged = async () => expect(await snapshot(api, ada, [conv])).toEqual(before);

beforeAll(async () => {
  api = await startApi({
    NODE_ENV: 'production',
    ALLOW_LOG_SMS_IN_PRODUCTION: 'true',
    DEFAULT_TENANT_SECRET: secret,
    LOG_FORMAT: 'json',
  });
  [ada, bob] = await Promise.all([appUser(api, 'Ada', secret), appUser(api, 'Bob', secret)]);
  conv = (
    await ok<{ createGroup: { id: string } }>(
      api,
      'mutation($m:[ID!]!){ createGroup(input:{title:"Base", memberIds:$m}){ id } }',
      { m: [bob.userId] },
      ada.accessToken,
    )
  ).createGroup.id;
  for (let i = 0; i < 3; i++)
    await ok(api, SEND_MESSAGE, { c: conv, k: `base-${i}`, b: `hello ${i}` }, ada.accessToken);
  socket = await ackedSocket(api, ada.accessToken);
}, 60_000);

afterAll(async () => {
  table.print();
  socket?.ws.terminate();
  if (api) {
    expect(unexpectedErrors(api)).toEqual([]);
    await api.stop();
    removeDataDir(api);
  }
});

const deepQuery = `{ conversations { edges { node { lastMessage { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { id } } } } } } } } } } } } } }`;
const deepViaFragments = `query { conversations { edges { node { ...A } } } }
  fragment A on Conversation { lastMessage { ...B } }
  fragment B on Message { replyTo { replyTo { replyTo { ...C } } } }
  fragment C on Message { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { id } } } } } } }`;
const aliases = (n: number, field = '__typename') =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

describe('documents over HTTP', () => {
  it('refuses a query deeper than MAX_QUERY_DEPTH (12), also when the depth hides in fragments', async () => {
    await remember();
    const direct = await post(api, deepQuery, {}, ada.accessToken);
    const viaFragments = await post(api, deepViaFragments, {}, ada.accessToken);
    table.add('depth 13 (inline)', 'HTTP', '400 GRAPHQL_VALIDATION_FAILED', outcomeOf(direct));
    table.add(
      'depth 13 (through fragments)',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      outcomeOf(viaFragments),
    );
    for (const a of [direct, viaFragments]) {
      expect(a.status).toBe(400);
      expectCleanErrors(a.json, 'GRAPHQL_VALIDATION_FAILED');
      expect(a.json?.errors?.[0]?.message).toMatch(/depth \d+ exceeds the limit of 12/);
      expect(a.json?.data ?? null).toBeNull();
    }
    await expectUnchanged();
  });

  it('refuses very wide selections (1,000 repeated fields; 6,000 root fields) without executing them', async () => {
    await remember();
    const repeated = await post(
      api,
      `{ me { ${Array.from({ length: 1000 }, () => 'id').join(' ')} } }`,
      {},
      ada.accessToken,
    );
    const wide = await post(
      api,
      `{ ${Array.from({ length: 6000 }, () => '__typename').join(' ')} }`,
      {},
      ada.accessToken,
    );
    table.add(
      '1,000 repeated fields',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      outcomeOf(repeated),
    );
    table.add(
      '6,000 root fields (66 kB: over the document limit)',
      'HTTP',
      '400 BAD_USER_INPUT',
      outcomeOf(wide),
    );
    expect(repeated.status).toBe(400);
    expectCleanErrors(repeated.json, 'GRAPHQL_VALIDATION_FAILED');
    // Refused before parsing: the document is larger than the 20,000-character limit.
    expect(wide.status).toBe(400);
    expectCleanErrors(wide.json, 'BAD_USER_INPUT');
    expect(wide.json?.errors?.[0]?.message).toMatch(/document is too large/);
    await expectUnchanged();
  });

  it('refuses more than 30 aliases (31 aliased sendMessage mutations send nothing); 30 aliased reads pass', async () => {
    await remember();
    const flood = `mutation { ${Array.from({ length: 31 }, (_, i) => `m${i}: sendMessage(input:{conversationId:"${conv}", clientMessageId:"alias-${i}", body:"flood"}){ id }`).join(' ')} }`;
    const refused = await post(api, flood, {}, ada.accessToken);
    table.add(
      '31 aliased sendMessage',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      outcomeOf(refused),
    );
    expect(refused.status).toBe(400);
    expectCleanErrors(refused.json, 'GRAPHQL_VALIDATION_FAILED');
    expect(refused.json?.errors?.[0]?.message).toBe('31 aliases exceed the limit of 30');
    const atLimit = await post(api, aliases(30, 'me { id }'), {}, ada.accessToken);
    expect(atLimit.status).toBe(200);
    expect(Object.keys((atLimit.json?.data ?? {}) as object)).toHaveLength(30);
    await expectUnchanged();
  });

  it('refuses a directive flood (more than 50 directives)', async () => {
    await remember();
    const a = await post(
      api,
      `{ me { id ${Array.from({ length: 60 }, (_, i) => `@include(if: ${i >= 0})`).join(' ')} } }`,
      {},
      ada.accessToken,
    );
    const spread = await post(
      api,
      `{ me { ${Array.from({ length: 51 }, () => '... on User @skip(if:false) { id }').join(' ')} } }`,
      {},
      ada.accessToken,
    );
    table.add('60 directives on one field', 'HTTP', '400 GRAPHQL_VALIDATION_FAILED', outcomeOf(a));
    table.add(
      '51 fragments with @skip',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      outcomeOf(spread),
    );
    for (const x of [a, spread]) {
      expect(x.status).toBe(400);
      expectCleanErrors(x.json, 'GRAPHQL_VALIDATION_FAILED');
    }
    expect(JSON.stringify(spread.json)).toContain('51 directives exceed the limit of 50');
    await expectUnchanged();
  });

  it('refuses nested pagination beyond MAX_QUERY_COMPLEXITY and fragment cycles', async () => {
    await remember();
    const nested = await post(
      api,
      '{ conversations(first: 50) { edges { node { members(first: 100) { edges { node { user { id name } } } } } } } }',
      {},
      ada.accessToken,
    );
    const cycle = await post(
      api,
      'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
      {},
      ada.accessToken,
    );
    table.add(
      'nested pagination 50×100',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      outcomeOf(nested),
    );
    table.add('fragment cycle', 'HTTP', '400 GRAPHQL_VALIDATION_FAILED', outcomeOf(cycle));
    expect(nested.status).toBe(400);
    expectCleanErrors(nested.json, 'GRAPHQL_VALIDATION_FAILED');
    expect(nested.json?.errors?.[0]?.message).toMatch(/complexity \d+ exceeds the limit of 12000/);
    expect(cycle.status).toBe(400);
    expectCleanErrors(cycle.json, 'GRAPHQL_VALIDATION_FAILED');
    await expectUnchanged();
  });

  it('answers 413 to a body over 100 kB and executes nothing of it', async () => {
    await remember();
    const body = JSON.stringify({
      query: `${SEND_MESSAGE} # ${'x'.repeat(110_000)}`,
      variables: { c: conv, k: 'huge-1', b: 'too big' },
    });
    const a = await rawPost(api, body, json(ada.accessToken));
    const bigVariable = await post(
      api,
      SEND_MESSAGE,
      { c: conv, k: 'huge-2', b: 'y'.repeat(120_000) },
      ada.accessToken,
    );
    table.add('110 kB document', 'HTTP', '413', String(a.status));
    table.add('120 kB variable', 'HTTP', '413', String(bigVariable.status));
    expect(a.status).toBe(413);
    expect(bigVariable.status).toBe(413);
    expect(a.text).not.toMatch(/\n\s+at |node_modules/);
    await expectUnchanged();
  });

  it('refuses batched (array) requests, executing none of their operations', async () => {
    await remember();
    const batch = [
      { query: SEND_MESSAGE, variables: { c: conv, k: 'batch-1', b: 'batched 1' } },
      { query: 'mutation { updateProfile(input:{name:"Batched"}){ id } }' },
    ];
    const a = await rawPost(api, JSON.stringify(batch), json(ada.accessToken));
    const big = await rawPost(
      api,
      JSON.stringify(Array.from({ length: 500 }, () => ({ query: '{ me { id } }' }))),
      json(ada.accessToken),
    );
    table.add('batch of 2 mutations', 'HTTP', '400 BAD_REQUEST', outcomeOf(a));
    table.add('batch of 500 queries', 'HTTP', '400 BAD_REQUEST', outcomeOf(big));
    for (const x of [a, big]) {
      expect(x.status).toBe(400);
      expectCleanErrors(x.json, 'BAD_REQUEST');
      expect(x.json?.errors?.[0]?.message).toBe('Operation batching disabled.');
    }
    await expectUnchanged();
  });

  it('refuses introspection in production (__schema, __type, nested in fragments) but answers __typename', async () => {
    for (const [name, q] of [
      ['__schema', '{ __schema { types { name fields { name } } } }'],
      ['__type', '{ __type(name: "User") { fields { name } } }'],
      [
        '__schema in a fragment',
        'query { ...F } fragment F on Query { __schema { queryType { name } } }',
      ],
    ] as const) {
      const a = await post(api, q, {}, ada.accessToken);
      table.add(`introspection: ${name}`, 'HTTP', '400 GRAPHQL_VALIDATION_FAILED', outcomeOf(a));
      expect(a.status).toBe(400);
      expectCleanErrors(a.json, 'GRAPHQL_VALIDATION_FAILED');
      expect(a.json?.data ?? null).toBeNull();
      expect(a.text).not.toContain('"fields"');
    }
    const typename = await post(api, '{ __typename }');
    expect(typename.json).toEqual({ data: { __typename: 'Query' } });
  });

  it('never suggests field, argument, enum, input or type names in production (no "Did you mean")', async () => {
    const typos: [string, string, Record<string, unknown>][] = [
      ['field', '{ mee { id } }', {}],
      ['nested field', '{ me { nam } }', {}],
      ['argument', '{ conversations(frist: 1) { edges { cursor } } }', {}],
      ['enum literal', 'mutation { updateProfile(input:{presencePrivacy: EVERYON}) { id } }', {}],
      [
        'enum variable',
        'mutation($p:PresencePrivacy){ updateProfile(input:{presencePrivacy:$p}) { id } }',
        { p: 'CONTACT' },
      ],
      ['input field', 'mutation { updateProfile(input:{nme:"x"}) { id } }', {}],
      [
        'input field in variable',
        'mutation($i:UpdateProfileInput!){ updateProfile(input:$i) { id } }',
        { i: { statusTxt: 'x' } },
      ],
      ['type name', 'query($i:UpdateProfilInput){ me { id } }', {}],
      ['fragment type', '{ me { ... on Usr { id } } }', {}],
    ];
    for (const [name, q, v] of typos) {
      const a = await post(api, q, v, ada.accessToken);
      table.add(
        `suggestion leak: ${name}`,
        'HTTP',
        '400, no "Did you mean"',
        `${a.status}${/did you mean/i.test(a.text) ? ' LEAKS' : ', no "Did you mean"'}`,
      );
      expect(a.status, name).toBe(400);
      expect(a.text, name).not.toMatch(/did you mean/i);
      expect(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT'], name).toContain(
        a.json?.errors?.[0]?.extensions?.code,
      );
    }
  });
});

describe('CSRF-style and cross-origin requests', () => {
  const mutation = JSON.stringify({
    query: 'mutation { updateProfile(input:{name:"Csrf"}){ id } }',
  });

  it('refuses simple-content-type POSTs (text/plain, form, multipart) with 400 BAD_REQUEST and changes nothing', async () => {
    await remember();
    const auth = { authorization: `Bearer ${ada.accessToken}` };
    const plain = await rawPost(api, mutation, { 'content-type': 'text/plain', ...auth });
    const form = await rawPost(
      api,
      `query=${encodeURIComponent('mutation { updateProfile(input:{name:"Csrf"}){ id } }')}`,
      {
        'content-type': 'application/x-www-form-urlencoded',
        ...auth,
      },
    );
    const multipart = await rawPost(
      api,
      `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${mutation}\r\n--x--\r\n`,
      {
        'content-type': 'multipart/form-data; boundary=x',
        ...auth,
      },
    );
    for (const [name, a] of [
      ['text/plain', plain],
      ['x-www-form-urlencoded', form],
      ['multipart/form-data', multipart],
    ] as const) {
      table.add(`CSRF POST ${name}`, 'HTTP', '400 BAD_REQUEST', outcomeOf(a));
      expect(a.status, name).toBe(400);
      expectCleanErrors(a.json, 'BAD_REQUEST');
    }
    await expectUnchanged();
  });

  it('never runs a mutation from GET: 400 without a preflight header, 405 with one', async () => {
    await remember();
    const q = `query=${encodeURIComponent('mutation { updateProfile(input:{name:"ViaGet"}){ id } }')}`;
    const simple = await rawGet(api, q, { authorization: `Bearer ${ada.accessToken}` });
    const preflighted = await rawGet(api, q, {
      authorization: `Bearer ${ada.accessToken}`,
      'apollo-require-preflight': '1',
    });
    table.add('GET mutation (no preflight header)', 'HTTP', '400 BAD_REQUEST', outcomeOf(simple));
    table.add('GET mutation (preflight header)', 'HTTP', '405 BAD_REQUEST', outcomeOf(preflighted));
    expect(simple.status).toBe(400);
    expectCleanErrors(simple.json, 'BAD_REQUEST');
    expect(preflighted.status).toBe(405);
    expectCleanErrors(preflighted.json, 'BAD_REQUEST');
    await expectUnchanged();
  });

  it('grants no CORS to a foreign origin (production default: no origins)', async () => {
    const preflight = await fetch(`${api.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    const simple = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    const acao = `${preflight.headers.get('access-control-allow-origin') ?? 'none'}/${simple.headers.get('access-control-allow-origin') ?? 'none'}`;
    table.add(
      'CORS from https://evil.example',
      'HTTP',
      'no Access-Control-Allow-Origin',
      acao === 'none/none' ? 'no Access-Control-Allow-Origin' : `ACAO ${acao}`,
    );
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    await expect(openSocketFrom('https://evil.example')).rejects.toThrow('HTTP 403');
  });
});

async function openSocketFrom(origin: string): Promise<void> {
  const s = await openSocket(api, { origin });
  s.ws.terminate();
}

describe('injection through variables and strings', () => {
  it('refuses Mongo-style operator objects where an ID or String is expected (coercion error, nothing queried)', async () => {
    await remember();
    const cases: [string, string, Record<string, unknown>][] = [
      ['user(id: {$gt})', 'query($i:ID!){ user(id:$i){ id } }', { i: { $gt: '' } }],
      [
        'messages(conversationId: {$ne})',
        'query($i:ID!){ messages(conversationId:$i){ edges { node { id } } } }',
        { i: { $ne: null } },
      ],
      ['sendMessage(conversationId: {$gt})', SEND_MESSAGE, { c: { $gt: '' }, k: 'inj-1', b: 'x' }],
      [
        'editMessage(id: {$exists})',
        'mutation($i:ID!){ editMessage(id:$i, body:"pwned"){ id } }',
        { i: { $exists: true } },
      ],
      [
        'addContact(phone: {$regex})',
        'mutation($p:String!){ addContact(phone:$p){ user { id } } }',
        { p: { $regex: '.*' } },
      ],
      [
        'searchMessages(query: {$where})',
        'query($q:String!){ searchMessages(query:$q){ edges { node { id } } } }',
        { q: { $where: 'sleep(1000)' } },
      ],
      [
        'requestLoginCode(phone: [..])',
        'mutation($p:String!){ requestLoginCode(phone:$p){ sent } }',
        { p: ['+14155550100', '+14155550101'] },
      ],
      [
        'markRead(seq: {$gt})',
        'mutation($c:ID!,$s:Int!){ markRead(conversationId:$c, seq:$s){ id } }',
        { c: conv, s: { $gt: 0 } },
      ],
    ];
    for (const [name, q, v] of cases) {
      const a = await post(api, q, v, ada.accessToken);
      table.add(`operator injection: ${name}`, 'HTTP', '400 BAD_USER_INPUT', outcomeOf(a));
      expect(a.status, name).toBe(400);
      expectCleanErrors(a.json, 'BAD_USER_INPUT');
      expect(a.json?.data ?? null, name).toBeNull();
    }
    await expectUnchanged();
  });

  it('treats operator- and SQL-looking strings as plain text (no match, no error beyond NOT_FOUND)', async () => {
    await remember();
    const lookup = await post(
      api,
      'query($i:ID!){ user(id:$i){ id } }',
      { i: '{"$gt":""}' },
      ada.accessToken,
    );
    expect(lookup.json).toEqual({ data: { user: null } });
    const history = await post(
      api,
      'query($i:ID!){ messages(conversationId:$i){ edges { node { id } } } }',
      { i: '{"$ne":null}' },
      ada.accessToken,
    );
    expectCleanErrors(history.json, 'NOT_FOUND');
    const outsider = await appUser(api, 'Outsider', secret);
    for (const q of [
      '.*',
      '*',
      '%',
      '" OR 1=1 --',
      "' OR '1'='1",
      'hello OR 1',
      'NEAR(hello)',
      '{"$regex":"."}',
    ]) {
      const a = await post(
        api,
        'query($q:String!){ searchMessages(query:$q){ edges { node { id conversationId } } } }',
        { q },
        outsider.accessToken,
      );
      expect(a.status, q).toBe(200);
      expect(a.json?.errors, q).toBeUndefined();
      expect(
        (a.json?.data as { searchMessages: { edges: unknown[] } }).searchMessages.edges,
        q,
      ).toEqual([]);
    }
    table.add(
      'operator/SQL/FTS-looking strings',
      'HTTP',
      'plain text, nothing found',
      'plain text, nothing found',
    );
    await expectUnchanged();
  });

  it('ignores __proto__ and constructor keys in input objects (BAD_USER_INPUT, no pollution)', async () => {
    await remember();
    const body = `{"query":"mutation($i:UpdateProfileInput!){ updateProfile(input:$i){ id name } }","variables":{"i":{"__proto__":{"name":"Polluted","isAdmin":true},"constructor":{"prototype":{"name":"Polluted"}}}}}`;
    const a = await rawPost(api, body, json(ada.accessToken));
    table.add('__proto__ / constructor in input', 'HTTP', '400 BAD_USER_INPUT', outcomeOf(a));
    expect(a.status).toBe(400);
    expectCleanErrors(a.json, 'BAD_USER_INPUT');
    await expectUnchanged();
    const fresh = await post(
      api,
      'mutation { updateProfile(input:{statusText:"ok"}){ name statusText } }',
      {},
      bob.accessToken,
    );
    expect(fresh.json?.data).toEqual({ updateProfile: { name: 'Bob', statusText: 'ok' } });
  });
});

describe('malformed, oversize and control-character bodies', () => {
  it('answers malformed JSON, raw control characters, foreign charsets and a gzip bomb with 4xx and no stack', async () => {
    await remember();
    const bomb = gzipSync(
      Buffer.concat([
        Buffer.from('{"query":"{ me { id } }","x":"'),
        Buffer.alloc(5_000_000, 0x61),
        Buffer.from('"}'),
      ]),
    );
    const cases: [string, string | Buffer, Record<string, string>, number][] = [
      ['truncated JSON', '{"query":', json(ada.accessToken), 400],
      [
        'raw NUL inside a JSON string',
        Buffer.from('{"query":"{ me\u0000 { id } }"}'),
        json(ada.accessToken),
        400,
      ],
      [
        'unsupported charset',
        '{"query":"{ me { id } }"}',
        { ...json(ada.accessToken), 'content-type': 'application/json; charset=koi8-r' },
        415,
      ],
      ['JSON scalar body', '42', json(ada.accessToken), 400],
      ['empty body', '', json(ada.accessToken), 400],
      [
        'broken gzip',
        'not gzip at all',
        { ...json(ada.accessToken), 'content-encoding': 'gzip' },
        400,
      ],
      [
        `gzip bomb (${bomb.length} B → 5 MB)`,
        bomb,
        { ...json(ada.accessToken), 'content-encoding': 'gzip' },
        413,
      ],
    ];
    for (const [name, body, headers, status] of cases) {
      const a = await rawPost(api, body, headers);
      table.add(`malformed body: ${name}`, 'HTTP', String(status), String(a.status));
      expect(a.status, name).toBe(status);
      expect(a.text, name).not.toMatch(/\n\s+at |node_modules|\/work\//);
      expect(a.text, name).not.toContain('INTERNAL_SERVER_ERROR');
    }
    expect(await readyz(api)).toBe(200);
    await expectUnchanged();
  });

  it('refuses escaped control characters in documents (GRAPHQL_PARSE_FAILED) and in text fields (BAD_USER_INPUT)', async () => {
    await remember();
    const inDocument = await post(api, '{ me\u0000 { id } }', {}, ada.accessToken);
    table.add('NUL in the document', 'HTTP', '400 GRAPHQL_PARSE_FAILED', outcomeOf(inDocument));
    expect(inDocument.status).toBe(400);
    expectCleanErrors(inDocument.json, 'GRAPHQL_PARSE_FAILED');
    for (const [name, body] of [
      ['NUL in a message body', 'hi\u0000there'],
      ['ESC sequence in a message body', '\u001b[2J\u001b[31mred'],
      ['lone surrogate in a message body', 'broken \ud800 pair'],
      ['C1 control in a message body', 'a\u0085b'],
    ] as const) {
      const a = await post(
        api,
        SEND_MESSAGE,
        { c: conv, k: `ctl-${name.length}-${body.length}`, b: body },
        ada.accessToken,
      );
      table.add(name, 'HTTP', '200 BAD_USER_INPUT', outcomeOf(a));
      expect(a.status, name).toBe(200);
      expectCleanErrors(a.json, 'BAD_USER_INPUT');
      expect(a.json?.errors?.[0]?.extensions?.field, name).toBe('body');
    }
    const name = await post(
      api,
      'mutation($n:String!){ updateProfile(input:{name:$n}){ id } }',
      { n: 'Ada\u0007\u0008' },
      ada.accessToken,
    );
    expectCleanErrors(name.json, 'BAD_USER_INPUT');
    await expectUnchanged();
  });

  it('refuses oversize values below the body limit with BAD_USER_INPUT (message 60 kB, name 50 kB)', async () => {
    await remember();
    const body = await post(
      api,
      SEND_MESSAGE,
      { c: conv, k: 'big-body', b: 'z'.repeat(60_000) },
      ada.accessToken,
    );
    const name = await post(
      api,
      'mutation($n:String!){ updateProfile(input:{name:$n}){ id } }',
      { n: 'n'.repeat(50_000) },
      ada.accessToken,
    );
    table.add('60 kB message body', 'HTTP', '200 BAD_USER_INPUT', outcomeOf(body));
    table.add('50 kB display name', 'HTTP', '200 BAD_USER_INPUT', outcomeOf(name));
    for (const a of [body, name]) expectCleanErrors(a.json, 'BAD_USER_INPUT');
    await expectUnchanged();
  });

  it('survives 40,000-deep JSON nesting in variables and a 40 kB header (431)', async () => {
    const nested = `{"query":"{ __typename }","variables":{"deep":${'['.repeat(40_000)}${']'.repeat(40_000)}}}`;
    const a = await rawPost(api, nested, json(ada.accessToken));
    table.add(
      '40,000-deep JSON variables',
      'HTTP',
      'no crash (200 or 400)',
      [200, 400].includes(a.status) ? 'no crash (200 or 400)' : String(a.status),
    );
    expect([200, 400]).toContain(a.status);
    const header = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${'a'.repeat(40_000)}`,
      },
      body: '{"query":"{ me { id } }"}',
    });
    table.add('40 kB Authorization header', 'HTTP', '431', String(header.status));
    expect(header.status).toBe(431);
    expect(await readyz(api)).toBe(200);
  });

  it('keeps HTML in messages as inert text in JSON answers with security headers', async () => {
    const html = '<img src=x onerror=alert(1)><script>alert(document.cookie)</script>';
    const a = await post(
      api,
      'mutation($c:ID!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:"html-1", body:$b}){ body } }',
      { c: conv, b: html },
      ada.accessToken,
    );
    expect(a.json?.data).toEqual({ sendMessage: { body: html } });
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(a.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(a.headers.get('x-powered-by')).toBeNull();
    const missing = await fetch(`${api.url}/no-such-path`);
    expect(await missing.text()).not.toMatch(/\n\s+at |node_modules/);
    table.add(
      'HTML/script in a message body',
      'HTTP',
      'stored verbatim, JSON + nosniff + CSP',
      'stored verbatim, JSON + nosniff + CSP',
    );
  });
});

describe('page-size abuse and cursors', () => {
  it('refuses huge, zero, negative and non-32-bit page sizes on every list', async () => {
    await remember();
    const literal = await post(
      api,
      '{ conversations(first: 100000) { edges { node { id } } } }',
      {},
      ada.accessToken,
    );
    table.add(
      'conversations(first: 100000) literal',
      'HTTP',
      '400 GRAPHQL_VALIDATION_FAILED',
      outcomeOf(literal),
    );
    expect(literal.status).toBe(400);
    expectCleanErrors(literal.json, 'GRAPHQL_VALIDATION_FAILED');
    const lists: [string, string, Record<string, unknown>][] = [
      [
        'conversations(first)',
        'query($n:Int){ conversations(first:$n){ edges { node { id } } } }',
        {},
      ],
      ['contacts(first)', 'query($n:Int){ contacts(first:$n){ edges { cursor } } }', {}],
      ['channels(first)', 'query($n:Int){ channels(first:$n){ edges { cursor } } }', {}],
      [
        'messages(first)',
        'query($c:ID!,$n:Int){ messages(conversationId:$c, first:$n){ edges { cursor } } }',
        { c: conv },
      ],
      [
        'messages(last)',
        'query($c:ID!,$n:Int){ messages(conversationId:$c, last:$n){ edges { cursor } } }',
        { c: conv },
      ],
      [
        'searchMessages(first)',
        'query($n:Int){ searchMessages(query:"hello", first:$n){ edges { cursor } } }',
        {},
      ],
      [
        'members(first)',
        'query($c:ID!,$n:Int){ conversation(id:$c){ members(first:$n){ edges { cursor } } } }',
        { c: conv },
      ],
    ];
    for (const [name, q, v] of lists) {
      for (const n of [100_000, 0, -1]) {
        const a = await post(api, q, { ...v, n }, ada.accessToken);
        table.add(`${name} = ${n}`, 'HTTP', '200 BAD_USER_INPUT', outcomeOf(a));
        expect(a.status, `${name} ${n}`).toBe(200);
        expectCleanErrors(a.json, 'BAD_USER_INPUT');
      }
      const overflow = await post(api, q, { ...v, n: 2 ** 31 }, ada.accessToken);
      expect(overflow.status, name).toBe(400);
      expectCleanErrors(overflow.json, 'BAD_USER_INPUT');
    }
    await expectUnchanged();
  });

  it('refuses forged and oversize cursors with BAD_USER_INPUT', async () => {
    for (const after of [
      Buffer.from(JSON.stringify(['x', { $gt: '' }])).toString('base64url'),
      Buffer.from('{"$where":"1"}').toString('base64url'),
      'A'.repeat(10_000),
      '%00%00',
    ]) {
      const a = await post(
        api,
        'query($a:String){ conversations(first:5, after:$a){ edges { cursor } } }',
        { a: after },
        ada.accessToken,
      );
      expectCleanErrors(a.json, 'BAD_USER_INPUT');
      expect(a.json?.errors?.[0]?.extensions?.field).toBe('after');
    }
    table.add('forged / 10 kB cursors', 'HTTP', '200 BAD_USER_INPUT', '200 BAD_USER_INPUT');
  });
});

/**
 * The same hostile document must get the same answer over HTTP and over the socket
 * (ARCHITECTURE: the same limits hold over HTTP and WebSocket; errors map in one place).
 */
const longDocument = `{ me { id } } # ${'x'.repeat(30_000)}`;
const parity: [string, string, Record<string, unknown>, string][] = [
  ['depth 13', deepQuery, {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['31 aliases', aliases(31), {}, 'GRAPHQL_VALIDATION_FAILED'],
  [
    '60 directives',
    `{ me { id ${Array.from({ length: 60 }, () => '@include(if:true)').join(' ')} } }`,
    {},
    'GRAPHQL_VALIDATION_FAILED',
  ],
  ['introspection __schema', '{ __schema { types { name } } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['unknown field', '{ mee { id } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['syntax error', '{ me { id }', {}, 'GRAPHQL_PARSE_FAILED'],
  [
    'operator object for ID!',
    'query($i:ID!){ user(id:$i){ id } }',
    { i: { $gt: '' } },
    'BAD_USER_INPUT',
  ],
  [
    'string for Int',
    'query($n:Int){ conversations(first:$n){ edges { cursor } } }',
    { n: '100' },
    'BAD_USER_INPUT',
  ],
  [
    'page size 100000 (variable)',
    'query($n:Int){ conversations(first:$n){ edges { cursor } } }',
    { n: 100_000 },
    'BAD_USER_INPUT',
  ],
  ['30 kB document (over the 20,000-character document limit)', longDocument, {}, 'BAD_USER_INPUT'],
];

describe('the same hostile document gets the same code over HTTP and WebSocket', () => {
  it.each(parity)('%s', async (name, query, variables, expected) => {
    const http = await post(api, query, variables, ada.accessToken);
    const ws = await wsOperation(socket, query, variables);
    const httpCode = http.json?.errors?.[0]?.extensions?.code ?? 'data';
    table.add(`parity: ${name}`, 'HTTP', expected, httpCode);
    table.add(`parity: ${name}`, 'WS', expected, wsCode(ws));
    expect(ws.result.errors?.map((e) => e.message).join(' ') ?? '').not.toMatch(/did you mean/i);
    expect({ http: httpCode, ws: wsCode(ws) }).toEqual({ http: expected, ws: expected });
  });
});
