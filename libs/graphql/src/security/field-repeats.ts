import { DocumentNode, FieldNode, FragmentDefinitionNode, Kind, SelectionSetNode } from 'graphql';

/** The response name selected most often in one selection set of a document. */
export interface FieldRepeat {
  readonly responseName: string;
  readonly count: number;
  readonly node: FieldNode;
}

/** Counts saturate here: a fragment spread twice in each of many chained fragments doubles them. */
const SATURATED = 1e9;

interface Tally {
  count: number;
  node: FieldNode;
}

/**
 * The response name (alias or field name) that one selection set selects most often, with the
 * fragments and inline fragments spread into it expanded (a fragment spread twice counts twice),
 * over every selection set of the document: operations and fragment definitions alike, used or
 * not. `__typename` is not counted (clients add it to every selection set and fragment, and
 * comparing it costs nothing).
 *
 * graphql-js's OverlappingFieldsCanBeMergedRule compares every pair of fields that share a
 * response name in a selection set, so a few kilobytes repeating one field hundreds of times
 * cost it tens of milliseconds of CPU; this count is what bounds that work. It runs in time
 * linear in the document times the distinct names per fragment: each fragment's own top-level
 * tally is built once (memoized) and a spread merges it. Cycles and unknown fragments count as
 * empty (the standard rules refuse them).
 */
export function mostRepeatedField(document: DocumentNode): FieldRepeat | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(def.name.value))
      fragments.set(def.name.value, def);
  }
  const tallies = new Map<string, ReadonlyMap<string, Tally>>();
  const inProgress = new Set<string>();
  let best: FieldRepeat | null = null;

  const fragmentTally = (name: string): ReadonlyMap<string, Tally> => {
    const known = tallies.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return new Map();
    inProgress.add(name);
    const tally = tallyOf(fragment.selectionSet);
    inProgress.delete(name);
    tallies.set(name, tally);
    return tally;
  };

  /** The set's top-level fields by response name, spreads expanded; nested sets are checked too. */
  const tallyOf = (set: SelectionSetNode): Map<string, Tally> => {
    const tally = new Map<string, Tally>();
    const count = (responseName: string, n: number, node: FieldNode) => {
      const entry = tally.get(responseName);
      if (entry) entry.count = Math.min(SATURATED, entry.count + n);
      else tally.set(responseName, { count: Math.min(SATURATED, n), node });
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename')
          count(selection.alias?.value ?? selection.name.value, 1, selection);
        if (selection.selectionSet) settle(tallyOf(selection.selectionSet));
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT
            ? tallyOf(selection.selectionSet)
            : fragmentTally(selection.name.value);
        for (const [responseName, entry] of inner) count(responseName, entry.count, entry.node);
      }
    }
    settle(tally);
    return tally;
  };

  /** Keeps the largest count seen in a selection set whose spreads are all expanded. */
  const settle = (tally: ReadonlyMap<string, Tally>) => {
    for (const [responseName, { count, node }] of tally)
      if (!best || count > best.count) best = { responseName, count, node };
  };

  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) tallyOf(def.selectionSet);
    else if (def.kind === Kind.FRAGMENT_DEFINITION) fragmentTally(def.name.value);
  }
  return best;
}
