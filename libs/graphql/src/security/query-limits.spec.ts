import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  GraphQLError,
  graphqlSync,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  parse,
  printSchema,
  specifiedRules,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { FIELD_COSTS, PAGE_ARGS } from './field-costs';
import { measureOperation } from './query-cost';
import {
  MAX_DIRECTIVES,
  MAX_EXPENSIVE_FIELDS,
  MAX_INTROSPECTION_DEPTH,
  MAX_INTROSPECTION_FIELDS,
  QueryLimits,
  queryLimitRules,
  requestLimitErrors,
} from './query-limits';

const root = join(__dirname, '../../../..');
const schema = buildSchema(readFileSync(join(root, 'schema.graphql'), 'utf8'));
/** The production defaults (MAX_QUERY_DEPTH, MAX_QUERY_COMPLEXITY, MAX_ALIASES). */
const limits: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxComplexity: 12_000,
  maxDirectives: MAX_DIRECTIVES,
  maxExpensiveFields: MAX_EXPENSIVE_FIELDS,
  introspection: false,
};
const rules = [...specifiedRules, ...queryLimitRules(limits)];
const check = (query: string) => validate(schema, parse(query), rules);
const reasons = (errors: readonly GraphQLError[]) =>
  errors.map((e) => e.extensions['limit']).filter(Boolean);
const operationOf = (query: string) => {
  const document = parse(query);
  return {
    document,
    operation: document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    )!,
  };
};

/** `query{...F0}` with `n` fragments, each spreading the next twice: 2^n fields once expanded. */
export function doublingFragments(n: number): string {
  const parts = ['query{...F0}'];
  for (let i = 0; i < n - 1; i++) parts.push(`fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`);
  parts.push(`fragment F${n - 1} on Query{me{id}}`);
  return parts.join(' ');
}

describe('query limits', () => {
  it('refuses 24 fragments that each spread the next twice, walking each fragment once', () => {
    const query = doublingFragments(24);
    expect(query.length).toBeLessThan(1000);
    const { document, operation } = operationOf(query);
    const m = measureOperation(schema, document, operation);
    // 2^23 spreads of `me { id }`: 2 each; but only 24 fragment bodies (47 selections) walked.
    expect(m.complexity).toBe(2 * 2 ** 23);
    expect(m.visits).toBe(1 + 23 * 2 + 2);
    const errors = check(query);
    // The root selection set holds `me` 2^23 times once every spread is expanded.
    expect(reasons(errors)).toEqual(['QUERY_TOO_COMPLEX', 'TOO_MANY_REPEATED_FIELDS']);
    expect(errors[1]!.message).toContain('"me" is selected 8388608 times');
    expect(errors.map((e) => e.extensions['code'])).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
  });

  it('saturates instead of overflowing when spreads double a thousand times', () => {
    const { document, operation } = operationOf(doublingFragments(1100));
    const m = measureOperation(schema, document, operation);
    expect(Number.isFinite(m.complexity)).toBe(true);
    expect(m.complexity).toBeGreaterThan(limits.maxComplexity);
    expect(m.visits).toBeLessThan(2300);
  });

  it('stops after MAX_VISITS selections and refuses the document as too large', () => {
    const wide = `{ me { ${Array.from({ length: 120 }, (_, i) => `a${i}: id`).join(' ')} } }`;
    const { document, operation } = operationOf(wide);
    const m = measureOperation(schema, document, operation, undefined, 100);
    expect(m).toMatchObject({ truncated: true, visits: 100 });
    expect(measureOperation(schema, document, operation).truncated).toBe(false);
  });

  it('still refuses fragment cycles (and measures them without looping)', () => {
    const cyclic =
      'query { ...A } fragment A on Query { me { id } ...B } fragment B on Query { ...A }';
    const { document, operation } = operationOf(cyclic);
    expect(measureOperation(schema, document, operation).complexity).toBe(2);
    expect(
      check(cyclic).some((e) => /Cannot spread fragment "A" within itself/.test(e.message)),
    ).toBe(true);
  });

  it('counts depth through fragments and inline fragments as the expanded document has it', () => {
    const deep = `{ conversations { edges { node { ...A } } } }
      fragment A on Conversation { lastMessage { ... on Message { replyTo { ...B } } } }
      fragment B on Message { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { id } } } } } } } } }`;
    const { document, operation } = operationOf(deep);
    expect(measureOperation(schema, document, operation).depth).toBe(13);
    expect(reasons(check(deep))).toContain('QUERY_TOO_DEEP');
  });

  it('counts aliases, directives and searches once per place a fragment is spread', () => {
    const twice =
      'query { ...S ...S } fragment S on Query { a: searchMessages(query:"a") { edges { cursor } } b: me @include(if: true) { id } }';
    const { document, operation } = operationOf(twice);
    expect(measureOperation(schema, document, operation)).toMatchObject({
      aliases: 4,
      directives: 2,
      expensiveFields: 2,
    });
    const search = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `s${i}: searchMessages(query:"a", first: 1) { edges { cursor } }`).join(' ')} }`;
    expect(reasons(check(search(MAX_EXPENSIVE_FIELDS)))).toEqual([]);
    expect(reasons(check(search(MAX_EXPENSIVE_FIELDS + 1)))).toEqual(['TOO_MANY_EXPENSIVE_FIELDS']);
    expect(reasons(check(search(30)))).toContain('TOO_MANY_EXPENSIVE_FIELDS');
    const spread = `query { ...S } fragment S on Query { ...T ...T ...T } fragment T on Query { searchMessages(query:"a"){ edges { cursor } } }`;
    expect(reasons(check(spread))).toEqual(['TOO_MANY_EXPENSIVE_FIELDS']);
  });

  describe('page sizes from variables', () => {
    const nested = `query($a:Int, $b:Int){ channels(first:$a){ edges { node { members(first:$b){ edges { node { user { isContact isBlocked presence { status } } } } } } } } }`;
    const { document, operation } = operationOf(nested);
    const complexity = (variables?: Record<string, unknown>) =>
      measureOperation(schema, document, operation, variables).complexity;

    it('costs a page with the value the request gives, capped at the page the server serves', () => {
      expect(complexity({ a: 2, b: 3 })).toBeLessThan(complexity({ a: 50, b: 100 }));
      expect(complexity({ a: 50, b: 100 })).toBe(complexity({ a: 5000, b: 100_000 }));
      // 50 channels × 100 members: 5,000 users rendered.
      expect(complexity({ a: 50, b: 100 })).toBeGreaterThan(5000 * 5);
      expect(
        requestLimitErrors(schema, document, null, { a: 50, b: 100 }, limits).map(
          (e) => e.extensions['limit'],
        ),
      ).toEqual(['QUERY_TOO_COMPLEX']);
      expect(requestLimitErrors(schema, document, null, { a: 5, b: 10 }, limits)).toEqual([]);
    });

    it('costs an absent variable without a default at the largest page, and a null one at the default page', () => {
      expect(complexity({})).toBe(complexity({ a: 50, b: 100 }));
      expect(complexity({ a: null, b: null })).toBe(complexity({ a: 20, b: 20 }));
      const withDefaults = operationOf(nested.replace('$a:Int, $b:Int', '$a:Int = 3, $b:Int = 4'));
      expect(
        measureOperation(schema, withDefaults.document, withDefaults.operation, {}).complexity,
      ).toBe(complexity({ a: 3, b: 4 }));
    });

    it('validates the document with the smallest page (the request is checked again with its values)', () => {
      expect(complexity(undefined)).toBe(complexity({ a: 1, b: 1 }));
      expect(reasons(check(nested))).toEqual([]);
    });

    it('costs literal page sizes too', () => {
      const literal =
        '{ conversations(first: 50) { edges { node { members(first: 100) { edges { node { user { id name } } } } } } } }';
      expect(reasons(check(literal))).toEqual(['QUERY_TOO_COMPLEX']);
    });
  });

  it('has a page cap for every field of the schema that takes first or last', () => {
    const paginated: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (field.args.some((a) => PAGE_ARGS.includes(a.name)))
          paginated.push(`${type.name}.${field.name}`);
      }
    }
    expect(paginated.length).toBeGreaterThan(0);
    for (const key of paginated) expect(FIELD_COSTS[key]?.maxPage, key).toBeGreaterThan(0);
    for (const key of Object.keys(FIELD_COSTS)) {
      const [type, field] = key.split('.');
      const t = schema.getType(type!);
      expect(isObjectType(t) && t.getFields()[field!], key).toBeTruthy();
      if (isObjectType(t)) {
        // A page: a Connection, or a plain list sized by `first`.
        const type = getNullableType(t.getFields()[field!]!.type);
        expect(isListType(type) || getNamedType(type).name.endsWith('Connection'), key).toBe(true);
      }
    }
  });

  it("accepts every document of the web client at the largest pages (the client's own queries are never refused)", () => {
    const dir = join(root, 'libs/client/src/documents');
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const document = parse(source);
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    expect(operations.length).toBeGreaterThan(10);
    for (const operation of operations) {
      const name = operation.name?.value;
      const one = {
        ...document,
        definitions: [
          operation,
          ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION),
        ],
      };
      const used = validate(schema, one, [...queryLimitRules(limits)]);
      expect(used, name).toEqual([]);
      expect(requestLimitErrors(schema, document, name, {}, limits), name).toEqual([]);
    }
  });
});

describe('introspection', () => {
  const open: QueryLimits = { ...limits, introspection: true };
  const openRules = [...specifiedRules, ...queryLimitRules(open)];
  const checkOpen = (query: string) => validate(schema, parse(query), openRules);
  const allOptions = {
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
    oneOf: true,
  };
  const variants: [string, Parameters<typeof getIntrospectionQuery>[0]][] = [
    ['no options', undefined],
    ['descriptions off', { descriptions: false }],
    ['every option', allOptions],
  ];

  it.each(variants)(
    'accepts the standard introspection query (%s) at the production limits, and answers it',
    (_name, options) => {
      const query = getIntrospectionQuery(options);
      const { document, operation } = operationOf(query);
      const m = measureOperation(schema, document, operation);
      // Deeper than maxDepth and far above the alias-free complexity budget if it were priced.
      expect(m.introspectionDepth).toBeGreaterThan(limits.maxDepth);
      expect(m.introspectionDepth).toBeLessThanOrEqual(MAX_INTROSPECTION_DEPTH);
      expect(m).toMatchObject({ depth: 0, complexity: 0, introspectionFields: 1, aliases: 0 });
      expect(checkOpen(query)).toEqual([]);
      expect(requestLimitErrors(schema, document, null, {}, open)).toEqual([]);
      const result = graphqlSync({ schema, source: query });
      expect(result.errors).toBeUndefined();
      const rebuilt = buildClientSchema(result.data as never);
      if (options?.descriptions !== false) expect(printSchema(rebuilt)).toBe(printSchema(schema));
      else expect(Object.keys(rebuilt.getTypeMap())).toEqual(Object.keys(schema.getTypeMap()));
    },
  );

  it('still refuses introspection when it is off, wherever it hides, but not __typename', () => {
    expect(check(getIntrospectionQuery()).map((e) => e.message)).toContain(
      'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
    );
    const hidden = 'query { ...F } fragment F on Query { t: __type(name: "User") { name } }';
    expect(check(hidden).some((e) => /introspection has been disabled/.test(e.message))).toBe(true);
    expect(check('{ __typename me { __typename id } }')).toEqual([]);
  });

  it('refuses a type-reference chain deeper than the introspection limit, with a stable reason', () => {
    const chain = (n: number) =>
      `{ __type(name: "User") { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } }`;
    // __type { ofType^n { name } }: depth n + 1.
    expect(reasons(checkOpen(chain(MAX_INTROSPECTION_DEPTH - 1)))).toEqual([]);
    const errors = checkOpen(chain(MAX_INTROSPECTION_DEPTH));
    expect(reasons(errors)).toEqual(['INTROSPECTION_TOO_DEEP']);
    expect(errors[0]!.extensions['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    // Through fragments, counted as the expanded document nests.
    const viaFragments = `{ __schema { types { ...A } } }
      fragment A on __Type { ofType { ...B } }
      fragment B on __Type { ${'ofType { '.repeat(MAX_INTROSPECTION_DEPTH)}name${' }'.repeat(MAX_INTROSPECTION_DEPTH)} }`;
    expect(reasons(checkOpen(viaFragments))).toContain('INTROSPECTION_TOO_DEEP');
  });

  it('refuses lists nested in lists (graphql-js MaxIntrospectionDepthRule) and too many __schema/__type fields', () => {
    const nested =
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }';
    expect(checkOpen(nested).map((e) => e.message)).toContain(
      'Maximum introspection depth exceeded',
    );
    const many = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `t${i}: __type(name: "User") { name }`).join(' ')} }`;
    expect(reasons(checkOpen(many(MAX_INTROSPECTION_FIELDS)))).toEqual([]);
    expect(reasons(checkOpen(many(MAX_INTROSPECTION_FIELDS + 1)))).toEqual([
      'TOO_MANY_INTROSPECTION_FIELDS',
    ]);
    const spread = `{ ...S ...S ...S } fragment S on Query { a: __schema { queryType { name } } b: __type(name: "User") { name } }`;
    expect(reasons(checkOpen(spread))).toEqual(['TOO_MANY_INTROSPECTION_FIELDS']);
  });

  it('counts aliases inside introspection (they multiply the response) and prices nothing there', () => {
    const aliased = `{ __schema { ${Array.from({ length: 31 }, (_, i) => `q${i}: queryType { name }`).join(' ')} } }`;
    expect(reasons(checkOpen(aliased))).toEqual(['TOO_MANY_ALIASES']);
    const mixed = `{ __typename me { __typename id } __schema { queryType { name } } }`;
    const { document, operation } = operationOf(mixed);
    expect(measureOperation(schema, document, operation)).toMatchObject({
      depth: 1,
      complexity: 2,
      introspectionDepth: 2,
      introspectionFields: 1,
    });
  });

  it('still counts the depth of ordinary fields beside introspection', () => {
    const deep = `{ __schema { queryType { name } } conversations { edges { node { lastMessage { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { id } } } } } } } } } } } } } }`;
    expect(reasons(checkOpen(deep))).toEqual(['QUERY_TOO_DEEP']);
  });
});
