import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  GraphQLArgument,
  GraphQLCompositeType,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';

/** A document to send: the text and the variables that go with it. */
export interface GeneratedDocument {
  query: string;
  variables: Record<string, unknown>;
}

export interface DocumentOptions {
  /** Root operations to draw from (default: query only, which is safe to execute). */
  operations?: readonly ('query' | 'mutation' | 'subscription')[];
  /** Nesting of fields below the root (default 6). */
  maxDepth?: number;
  /** Named fragments per document (default 6). */
  maxFragments?: number;
  /** Selections per selection set (default 4). */
  maxWidth?: number;
  /** Largest document, in characters (default 20,000: the server's document limit). */
  maxLength?: number;
}

type Draw = fc.GeneratorValue;

interface Fragment {
  name: string;
  type: GraphQLCompositeType;
  body: string;
}

const ALIASES = ['a', 'b', 'c', 'x', 'y', 'node', 'id', 'me'];
const STRINGS = [
  '',
  'a',
  'hello',
  'x'.repeat(300),
  '"quoted"',
  '\\\\',
  '🦒',
  '\u202eRTL',
  '$&',
  '%',
  '*',
  '{"$gt":""}',
];

/**
 * Documents generated against a schema: random nesting of real fields, arguments (literals and
 * variables, page sizes from -5 to 5,000), aliases (some colliding), `@include`/`@skip` with
 * literal or variable conditions, inline fragments on possible types, and named fragments that
 * spread later ones one to three times (repeated spreads, never cycles unless `hostile`). Most
 * documents are valid; some are not (colliding aliases, wrong argument types): both must be
 * answered quickly.
 */
export function graphqlDocument(
  schema: GraphQLSchema,
  options: DocumentOptions = {},
): fc.Arbitrary<GeneratedDocument> {
  const opts = {
    operations: ['query'] as const,
    maxDepth: 6,
    maxFragments: 6,
    maxWidth: 4,
    maxLength: 20_000,
    ...options,
  };
  return fc
    .gen()
    .map((g) => new DocumentBuilder(schema, g, opts).build())
    .filter((d) => d.query.length <= opts.maxLength);
}

/**
 * Documents shaped as attacks on validation and cost analysis, within the size caps: chains of
 * fragments that each spread the next several times (2^n expansions), alias and directive
 * floods hidden behind such chains, deep `replyTo` nesting through fragments, many same-named
 * fields with differing arguments (field-merging checks), and fragment cycles.
 */
export function hostileDocument(): fc.Arbitrary<GeneratedDocument> {
  const leaves = {
    Query: [
      'me{id}',
      'a:me{id} b:me{name}',
      'me{id @include(if:true)}',
      '__typename',
      'me{ isContact isBlocked presence{status} }',
    ],
    User: [
      'id',
      'a:id b:name',
      'id @skip(if:false)',
      'isContact isBlocked presence{status}',
      'phone lastSeenAt',
    ],
  };
  const chain = fc
    .record({
      length: fc.integer({ min: 2, max: 60 }),
      spreads: fc.integer({ min: 2, max: 4 }),
      leaf: fc.nat(4),
      root: fc.constantFrom('Query' as const, 'User' as const),
    })
    .map(({ length, spreads, leaf, root }) => {
      const spread = (i: number) => Array.from({ length: spreads }, () => `...F${i + 1}`).join(' ');
      const parts = [root === 'Query' ? 'query{...F0}' : 'query{me{...F0}}'];
      for (let i = 0; i < length - 1; i++) parts.push(`fragment F${i} on ${root}{${spread(i)}}`);
      parts.push(`fragment F${length - 1} on ${root}{${leaves[root][leaf]!}}`);
      return { query: parts.join(' '), variables: {} };
    });
  const aliasFlood = fc.integer({ min: 1, max: 600 }).map((n) => ({
    query: `{ me { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ')} } }`,
    variables: {},
  }));
  const deepReplies = fc.integer({ min: 1, max: 40 }).map((n) => ({
    query: `query($c:ID!){ messages(conversationId:$c){ edges { node { ...R0 } } } } ${Array.from(
      { length: n },
      (_, i) =>
        i === n - 1
          ? `fragment R${i} on Message { id }`
          : `fragment R${i} on Message { replyTo { ...R${i + 1} } }`,
    ).join(' ')}`,
    variables: { c: 'no-such-conversation' },
  }));
  const mergeHeavy = fc
    .record({ fields: fc.integer({ min: 2, max: 40 }), fragments: fc.integer({ min: 1, max: 6 }) })
    .map(({ fields, fragments }) => {
      const body = Array.from({ length: fields }, (_, i) => `x: user(id:"${i % 7}"){ id }`).join(
        ' ',
      );
      const defs = Array.from(
        { length: fragments },
        (_, i) => `fragment M${i} on Query { ${body} }`,
      ).join(' ');
      return {
        query: `{ ${Array.from({ length: fragments }, (_, i) => `...M${i} ...M${i}`).join(' ')} } ${defs}`,
        variables: {},
      };
    });
  // One field repeated without aliases (same or different arguments), directly or through
  // fragments: every pair is compared by graphql-js's overlapping-fields rule.
  const repeats = fc
    .record({
      n: fc.integer({ min: 2, max: 300 }),
      field: fc.constantFrom('user(id:"1"){ id }', 'me{ id name }', 'id', 'user(id:"%"){ id }'),
      fragments: fc.integer({ min: 0, max: 4 }),
      unused: fc.boolean(),
    })
    .map(({ n, field, fragments, unused }) => {
      const inMe = field === 'id';
      const body = Array.from({ length: n }, (_, i) => field.replace('%', String(i))).join(' ');
      const type = inMe ? 'User' : 'Query';
      const wrap = (s: string) => (inMe ? `{ me { ${s} } }` : `{ ${s} }`);
      if (fragments === 0) return { query: wrap(body), variables: {} };
      const defs = Array.from(
        { length: fragments },
        (_, i) => `fragment R${i} on ${type} { ${body} }`,
      ).join(' ');
      const spreads = unused
        ? '__typename'
        : Array.from({ length: fragments }, (_, i) => `...R${i}`).join(' ');
      return { query: `${wrap(spreads)} ${defs}`, variables: {} };
    });
  const cycle = fc.integer({ min: 2, max: 30 }).map((n) => ({
    query: `query{...C0} ${Array.from({ length: n }, (_, i) => `fragment C${i} on Query{ me{id} ...C${(i + 1) % n} ...C${(i + 2) % n} }`).join(' ')}`,
    variables: {},
  }));
  const nestedPages = fc
    .record({ a: fc.integer({ min: -2, max: 100_000 }), b: fc.integer({ min: -2, max: 100_000 }) })
    .map((v) => ({
      query:
        'query($a:Int,$b:Int){ channels(first:$a){ edges { node { members(first:$b){ edges { node { user { isContact isBlocked presence { status } } } } } } } } }',
      variables: v,
    }));
  const searches = fc.integer({ min: 1, max: 40 }).map((n) => ({
    query: `{ ${Array.from({ length: n }, (_, i) => `s${i}: searchMessages(query:"a"){ edges { cursor } }`).join(' ')} }`,
    variables: {},
  }));
  return fc
    .oneof(chain, aliasFlood, deepReplies, mergeHeavy, repeats, cycle, nestedPages, searches)
    .filter((d) => d.query.length <= 20_000);
}

class DocumentBuilder {
  private readonly variables = new Map<
    string,
    { type: string; value: unknown; hasValue: boolean; defaultValue?: string }
  >();
  private readonly fragments: Fragment[] = [];
  private budget = 80;
  /** What each definition (operation or fragment) spreads and which variables it uses. */
  private context = '';
  private readonly spreads = new Map<string, Set<string>>();
  private readonly uses = new Map<string, Set<string>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly g: Draw,
    private readonly opts: Required<DocumentOptions>,
  ) {}

  build(): GeneratedDocument {
    const kind = this.pick(this.opts.operations);
    const root =
      kind === 'query'
        ? this.schema.getQueryType()
        : kind === 'mutation'
          ? this.schema.getMutationType()
          : this.schema.getSubscriptionType();
    if (!root) return { query: '{ __typename }', variables: {} };
    const count = this.int(0, this.opts.maxFragments);
    // Built last to first: fragment i may spread only fragments after it (no cycles).
    const types = [root, ...this.compositeTypes()];
    const pending: { name: string; type: GraphQLCompositeType }[] = [];
    for (let i = 0; i < count; i++)
      pending.push({ name: `F${i}`, type: this.bool(0.4) ? root : this.pick(types) });
    for (let i = count - 1; i >= 0; i--) {
      const f = pending[i]!;
      const later = this.fragments.filter((x) => x.type === f.type);
      this.context = f.name;
      this.fragments.unshift({
        name: f.name,
        type: f.type,
        body: this.selectionSet(f.type, this.int(1, 3), later),
      });
    }
    this.context = '';
    // A subscription selects one root field (the protocol's rule); queries and mutations several.
    const selection =
      kind === 'subscription'
        ? `{ ${this.field(root, this.opts.maxDepth)} }`
        : this.selectionSet(
            root,
            this.opts.maxDepth,
            this.fragments.filter((x) => x.type === root),
          );
    // Only fragments (and their variables) that the operation reaches, as a client would send.
    const reached = new Set<string>();
    const queue = [''];
    while (queue.length > 0) {
      for (const name of this.spreads.get(queue.pop()!) ?? []) {
        if (!reached.has(name)) {
          reached.add(name);
          queue.push(name);
        }
      }
    }
    const used = new Set([
      ...(this.uses.get('') ?? []),
      ...[...reached].flatMap((f) => [...(this.uses.get(f) ?? [])]),
    ]);
    const declared = [...this.variables].filter(([name]) => used.has(name));
    const definitions = declared.map(
      ([name, v]) =>
        `$${name}: ${v.type}${v.defaultValue !== undefined ? ` = ${v.defaultValue}` : ''}`,
    );
    const header = `${kind}${definitions.length ? `(${definitions.join(', ')})` : ''}`;
    const fragmentText = this.fragments
      .filter((f) => reached.has(f.name))
      .map((f) => `fragment ${f.name} on ${f.type.name} ${f.body}`)
      .join('\n');
    const variables: Record<string, unknown> = {};
    for (const [name, v] of declared) if (v.hasValue) variables[name] = v.value;
    return { query: `${header} ${selection}\n${fragmentText}`, variables };
  }

  private record(map: Map<string, Set<string>>, value: string): void {
    let set = map.get(this.context);
    if (!set) map.set(this.context, (set = new Set()));
    set.add(value);
  }

  private selectionSet(type: GraphQLCompositeType, depth: number, spreadable: Fragment[]): string {
    const width = this.int(1, this.opts.maxWidth);
    const parts: string[] = [];
    for (let i = 0; i < width && this.budget > 0; i++) {
      this.budget--;
      const roll = this.int(0, 9);
      if (roll <= 1 && spreadable.length > 0) {
        const f = this.pick(spreadable);
        const times = this.bool(0.8) ? 1 : this.int(2, 3);
        this.record(this.spreads, f.name);
        for (let t = 0; t < times; t++) parts.push(`...${f.name}${this.directives()}`);
      } else if (roll === 2 && isAbstractType(type)) {
        const possible = this.schema.getPossibleTypes(type);
        const on = this.pick(possible);
        parts.push(`... on ${on.name}${this.directives()} ${this.selectionSet(on, depth, [])}`);
      } else if (roll === 3) {
        parts.push(`...${this.directives(true)} ${this.selectionSet(type, depth, spreadable)}`);
      } else {
        parts.push(this.field(type, depth));
      }
    }
    if (parts.length === 0) parts.push('__typename');
    return `{ ${parts.join(' ')} }`;
  }

  private field(type: GraphQLCompositeType, depth: number): string {
    if (!(isObjectType(type) || isInterfaceType(type))) return '__typename';
    const fields = Object.values(type.getFields());
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
    const pool = depth <= 0 && leaves.length > 0 ? leaves : fields;
    const field = this.pick(pool);
    const alias = this.bool(0.12) ? `${this.pick(ALIASES)}${this.int(0, 3)}: ` : '';
    const args = this.args(field.args);
    const named = getNamedType(field.type);
    let sub = '';
    if (isCompositeType(named)) {
      // Fragments built so far all come after the one being built: spreading them makes no cycle.
      sub = ` ${this.selectionSet(
        named,
        depth - 1,
        this.fragments.filter((f) => f.type === named),
      )}`;
    }
    return `${alias}${field.name}${args}${this.directives()}${sub}`;
  }

  private args(args: readonly GraphQLArgument[]): string {
    const given: string[] = [];
    for (const arg of args) {
      const required = isNonNullType(arg.type);
      if (!required && !this.bool(0.4)) continue;
      given.push(`${arg.name}: ${this.value(arg.type, arg.name)}`);
    }
    return given.length ? `(${given.join(', ')})` : '';
  }

  private value(type: GraphQLInputType, name: string, nesting = 0): string {
    const inner = getNullableType(type);
    if (!isNonNullType(type) && this.bool(0.05)) return 'null';
    if (isListType(inner)) {
      const n = this.int(0, 3);
      return `[${Array.from({ length: n }, () => this.value(inner.ofType as GraphQLInputType, name, nesting + 1)).join(', ')}]`;
    }
    if (isEnumType(inner)) return this.pick(inner.getValues()).name;
    if (isInputObjectType(inner)) {
      if (nesting > 2) return '{}';
      const fields = Object.values(inner.getFields()).filter(
        (f) => isNonNullType(f.type) || this.bool(0.3),
      );
      return `{ ${fields.map((f) => `${f.name}: ${this.value(f.type, f.name, nesting + 1)}`).join(', ')} }`;
    }
    if (isScalarType(inner)) {
      if (inner.name === 'Int' && this.bool(0.5))
        return this.variable(isNonNullType(type) ? 'Int!' : 'Int', this.pageSize());
      if (inner.name === 'Int') return String(this.pageSize());
      if (inner.name === 'Boolean') return this.bool(0.5) ? 'true' : 'false';
      if (inner.name === 'String' && this.bool(0.3))
        return this.variable(isNonNullType(type) ? 'String!' : 'String', this.pick(STRINGS));
      return JSON.stringify(this.pick(STRINGS));
    }
    return 'null';
  }

  private pageSize(): number {
    return this.pick([-5, 0, 1, 2, 5, 20, 50, 100, 101, 5000]);
  }

  private variable(type: string, value: unknown): string {
    const name = `v${this.variables.size}`;
    const mode = this.int(0, 5);
    // Sometimes absent (server default or declared default), sometimes given.
    const hasValue = mode > 1 || type.endsWith('!');
    const defaultValue = mode === 1 && !type.endsWith('!') ? JSON.stringify(value) : undefined;
    this.variables.set(name, { type, value, hasValue, defaultValue });
    this.record(this.uses, name);
    return `$${name}`;
  }

  private directives(required = false): string {
    if (!required && !this.bool(0.08)) return '';
    // Mostly one; sometimes both; rarely the same one twice (invalid: once per location).
    const kinds = this.bool(0.7)
      ? [this.pick(['include', 'skip'])]
      : this.bool(0.97)
        ? ['include', 'skip']
        : ['skip', 'skip'];
    const out: string[] = [];
    for (const which of kinds) {
      const condition = this.bool(0.3)
        ? this.variable('Boolean!', which === 'include')
        : which === 'include'
          ? 'true'
          : 'false';
      out.push(`@${which}(if: ${condition})`);
    }
    return ` ${out.join(' ')}`;
  }

  private compositeTypes(): GraphQLCompositeType[] {
    return Object.values(this.schema.getTypeMap()).filter(
      (t): t is GraphQLCompositeType & GraphQLNamedType =>
        isCompositeType(t) &&
        !t.name.startsWith('__') &&
        t !== this.schema.getMutationType() &&
        t !== this.schema.getSubscriptionType() &&
        t !== this.schema.getQueryType(),
    );
  }

  private int(min: number, max: number): number {
    return this.g(fc.integer, { min, max });
  }

  /** True with this probability (unbiased: fast-check favours extremes, which would skew it). */
  private bool(probability: number): boolean {
    return this.g(() => fc.noBias(fc.integer({ min: 0, max: 999 }))) < probability * 1000;
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
}
