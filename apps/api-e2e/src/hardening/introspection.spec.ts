import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CodegenConfig, generate } from '@graphql-codegen/cli';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  IntrospectionOptions,
  IntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, GqlResult, removeDataDir, Session, signUp, startApi } from '../support';
import { ackedSocket, RawSocket, rawGet } from './hardening-helpers';

/**
 * What every GraphQL tool does first against a running Chatter (introspection on, the
 * development default): GraphiQL, Apollo Sandbox, Altair and GraphQL Code Generator send
 * `getIntrospectionQuery()`, which must run over HTTP and WebSocket despite MAX_QUERY_DEPTH,
 * while abusive introspection stays bounded.
 */
const ROOT = resolve(__dirname, '../../../..');
const committed = readFileSync(join(ROOT, 'schema.graphql'), 'utf8');
const sorted = (sdl: string) => printSchema(lexicographicSortSchema(buildSchema(sdl)));

const EVERY_OPTION: IntrospectionOptions = {
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
};
const VARIANTS: [string, IntrospectionOptions | undefined][] = [
  ['graphql 16 defaults', undefined],
  ['every option (GraphiQL, Apollo Sandbox)', EVERY_OPTION],
  ['no descriptions', { descriptions: false }],
];

let api: ApiProcess;
let ada: Session;
let socket: RawSocket;
let opCounter = 0;

async function overSocket(query: string): Promise<{ kind: string; result: GqlResult }> {
  const id = `introspect-${++opCounter}`;
  socket.send({ id, type: 'subscribe', payload: { query } });
  const m = await socket.next(
    (x) => x.id === id && (x.type === 'next' || x.type === 'error'),
    15_000,
    `result of ${id}`,
  );
  return m.type === 'error'
    ? { kind: 'error', result: { errors: m.payload as GqlResult['errors'] } }
    : { kind: 'next', result: m.payload as GqlResult };
}

beforeAll(async () => {
  api = await startApi({});
  ada = await signUp(api, 'Ada');
  socket = await ackedSocket(api, ada.accessToken);
}, 60_000);

afterAll(async () => {
  socket?.ws.terminate();
  await api?.stop();
  if (api) removeDataDir(api);
});

describe('standard introspection against a running API', () => {
  it.each(VARIANTS)(
    'answers getIntrospectionQuery (%s) over HTTP POST and GET, with a schema equal to schema.graphql',
    async (_name, options) => {
      const query = getIntrospectionQuery(options);
      const posted = await gql<IntrospectionQuery>(api, query);
      expect(posted.errors).toBeUndefined();
      const rebuilt = buildClientSchema(posted.data!);
      if (options?.descriptions !== false)
        expect(printSchema(lexicographicSortSchema(rebuilt))).toBe(sorted(committed));
      else
        expect(Object.keys(rebuilt.getTypeMap()).sort()).toEqual(
          Object.keys(buildSchema(committed).getTypeMap()).sort(),
        );
      // GET (how some tools and CDNs fetch it): Apollo's CSRF prevention wants a header.
      const got = await rawGet(api, `query=${encodeURIComponent(query)}`, {
        'apollo-require-preflight': 'true',
      });
      expect(got.status).toBe(200);
      expect(
        (got.json as unknown as GqlResult<IntrospectionQuery>).data?.__schema.queryType.name,
      ).toBe('Query');
    },
  );

  it('answers the same introspection over WebSocket (graphql-transport-ws), as subscription tools do', async () => {
    const answer = await overSocket(getIntrospectionQuery(EVERY_OPTION));
    expect(answer.kind).toBe('next');
    expect(answer.result.errors).toBeUndefined();
    const rebuilt = buildClientSchema(answer.result.data as unknown as IntrospectionQuery);
    expect(printSchema(lexicographicSortSchema(rebuilt))).toBe(sorted(committed));
  });

  it('GraphQL Code Generator pointed at the URL writes exactly the committed typed client', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chatter-live-codegen-'));
    try {
      // The client's own codegen config (libs/client/codegen.ts), with the URL as its schema.
      const codegenConfig = (
        (await import(join(ROOT, 'libs/client/codegen.ts'))) as { default: CodegenConfig }
      ).default;
      const output = Object.values(codegenConfig.generates)[0]!;
      const files: { filename: string; content: string }[] = await generate(
        {
          ...codegenConfig,
          schema: `${api.url}/graphql`,
          generates: { [`${out}/`]: output },
          silent: true,
        },
        false,
      );
      const names = files.map((f) => f.filename.slice(out.length + 1)).sort();
      expect(names).toContain('graphql.ts');
      expect(names).toContain('persisted-documents.json');
      for (const file of files) {
        const name = file.filename.slice(out.length + 1);
        const mine = readFileSync(join(ROOT, 'libs/client/src/generated', name), 'utf8');
        expect(file.content, name).toBe(mine);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('abusive introspection stays bounded, with stable reasons, over HTTP and WebSocket', () => {
  const chain = (n: number) =>
    `{ __type(name: "User") { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } }`;
  const cases: [string, string, string | undefined][] = [
    ['a type-reference chain 21 deep', chain(20), 'INTROSPECTION_TOO_DEEP'],
    [
      'six __type fields',
      `{ ${Array.from({ length: 6 }, (_, i) => `t${i}: __type(name: "User") { name }`).join(' ')} }`,
      'TOO_MANY_INTROSPECTION_FIELDS',
    ],
    [
      'lists nested three deep (graphql-js MaxIntrospectionDepthRule)',
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
      undefined,
    ],
  ];

  it.each(cases)('refuses %s', async (_name, query, limit) => {
    const http = await gql(api, query);
    expect(http.data).toBeUndefined();
    expect(http.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    if (limit) expect(http.errors?.[0]?.extensions?.['limit']).toBe(limit);
    else expect(http.errors?.[0]?.message).toBe('Maximum introspection depth exceeded');
    const ws = await overSocket(query);
    expect(ws.kind).toBe('error');
    expect(ws.result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    if (limit) expect(ws.result.errors?.[0]?.extensions?.['limit']).toBe(limit);
  });

  it('accepts the longest chain within the limit and a __typename-only query', async () => {
    expect((await gql(api, chain(19))).errors).toBeUndefined();
    expect((await overSocket(chain(19))).result.errors).toBeUndefined();
    expect(await gql(api, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
  });
});
