import fc from 'fast-check';
import { DocumentNode, Kind, parse, SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { mostRepeatedField } from './field-repeats';

/** The same figure by brute force: every selection set with its spreads expanded in place. */
function bruteForce(document: DocumentNode): number {
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  let best = 0;
  const topLevel = (set: SelectionSetNode, names: string[]): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value !== '__typename') names.push(s.alias?.value ?? s.name.value);
      } else if (s.kind === Kind.INLINE_FRAGMENT) topLevel(s.selectionSet, names);
      else topLevel(fragments.get(s.name.value)!.selectionSet, names);
    }
  };
  const visit = (set: SelectionSetNode): void => {
    const names: string[] = [];
    topLevel(set, names);
    const counts = new Map<string, number>();
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    for (const c of counts.values()) best = Math.max(best, c);
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD && s.selectionSet) visit(s.selectionSet);
      if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
    }
  };
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION)
      visit(d.selectionSet);
  }
  return best;
}

/**
 * Random documents: fragment i spreads only fragments after it (no cycles), fields from a small
 * pool of names with and without aliases, nested up to two levels, inline fragments too.
 */
const selection = (fragmentsAfter: number[]): fc.Arbitrary<string> =>
  fc.letrec<{ set: string; item: string }>((tie) => ({
    set: fc
      .array(tie('item'), { minLength: 1, maxLength: 6 })
      .map((items) => `{ ${items.join(' ')} }`),
    item: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('a', 'b', 'x: a', 'x: b', '__typename'),
      fc.tuple(fc.constantFrom('a', 'c', 'y: c'), tie('set')).map(([f, s]) => `${f} ${s}`),
      tie('set').map((s) => `... ${s}`),
      ...(fragmentsAfter.length > 0
        ? [fc.constantFrom(...fragmentsAfter.map((i) => `...F${i}`))]
        : []),
    ),
  })).set;

const documents = fc
  .integer({ min: 0, max: 4 })
  .chain((n) =>
    fc
      .tuple(
        selection(Array.from({ length: n }, (_, i) => i)),
        ...Array.from({ length: n }, (_, i) =>
          selection(Array.from({ length: n - i - 1 }, (_, k) => i + 1 + k)),
        ),
      )
      .map(([op, ...frags]) =>
        [`query ${op}`, ...frags.map((body, i) => `fragment F${i} on T ${body}`)].join(' '),
      ),
  );

describe('mostRepeatedField', () => {
  it('counts the response name selected most often in one selection set, spreads expanded', () => {
    const doc = parse(`
      { ...A ...A me { id ...B } x: id }
      fragment A on Query { me { name } x: user(id: "1") { id } __typename __typename __typename }
      fragment B on User { id id ... on User { id } }
    `);
    // me { id ...B }: id 1 + B (2 + inline 1) = 4
    expect(mostRepeatedField(doc)).toMatchObject({ responseName: 'id', count: 4 });
    // x: 1 at the root + 1 per spread of A; me: 1 + 2
    const root = parse('{ ...A ...A ...A x: id } fragment A on Query { x: user(id: "1") { id } }');
    expect(mostRepeatedField(root)).toMatchObject({ responseName: 'x', count: 4 });
  });

  it('checks fragments that no operation spreads, and survives cycles and unknown fragments', () => {
    expect(
      mostRepeatedField(
        parse('{ me { id } } fragment U on Query { me { id } me { id } me { id } }'),
      ),
    ).toMatchObject({ responseName: 'me', count: 3 });
    expect(
      mostRepeatedField(
        parse('{ ...C } fragment C on Query { a a ...D ...Nope } fragment D on Query { a ...C }'),
      ),
    ).toMatchObject({ responseName: 'a', count: 3 });
  });

  it('saturates instead of overflowing when spreads double at each of many chained fragments', () => {
    const parts = ['{ ...F0 }'];
    for (let i = 0; i < 80; i++)
      parts.push(`fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    parts.push('fragment F80 on Query { me { id } }');
    const repeat = mostRepeatedField(parse(parts.join(' ')));
    expect(repeat?.responseName).toBe('me');
    expect(repeat!.count).toBeGreaterThan(1e8);
    expect(Number.isFinite(repeat!.count)).toBe(true);
  });

  it('agrees with expanding every spread in place, on random documents', () => {
    fc.assert(
      fc.property(documents, (text) => {
        const document = parse(text);
        expect(mostRepeatedField(document)?.count ?? 0).toBe(bruteForce(document));
      }),
      { numRuns: 300 },
    );
  });
});
