import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import { FIELD_COSTS, FieldCost, PAGE_ARGS } from './field-costs';

/** Selections one measurement may visit before it stops and the document is refused. */
export const MAX_VISITS = 10_000;

/** Counts saturate here: a repeated spread can double a count per fragment (2^1000 overflows). */
const SATURATED = 1e15;
const add = (a: number, b: number) => Math.min(SATURATED, a + b);
const mul = (a: number, b: number) => Math.min(SATURATED, a * b);

export interface OperationMeasure {
  /** Deepest nesting of fields with a selection, through fragments. */
  depth: number;
  /** Aliased fields, counted once per place a fragment is spread. */
  aliases: number;
  directives: number;
  /**
   * Fields priced by FIELD_COSTS: a page multiplies its selection (a variable's value is capped
   * at the largest page served, since a larger one is refused); searches add a weight.
   */
  complexity: number;
  /** Fields marked expensive (searches), counted once per place a fragment is spread. */
  expensiveFields: number;
  /** Selections walked: each fragment's body is walked once, whatever the number of spreads. */
  visits: number;
  /** The walk stopped at `maxVisits` selections: the other figures are lower bounds. */
  truncated: boolean;
}

interface Summary {
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
  expensive: number;
}

const EMPTY: Summary = { depth: 0, aliases: 0, directives: 0, cost: 0, expensive: 0 };

/**
 * Measures one operation in time linear in the document: each fragment is summarized once
 * (memoized by name) and a spread reuses the summary, so `...F` spread twice in each of 24
 * chained fragments costs 24 walks, not 2^24. Cycles count as empty (NoFragmentCycles refuses
 * them). `variables` are the request's values; without them (at validation, before any
 * request) a page-size variable counts as its declared default or 1, a lower bound: the
 * figure is checked again with the actual values before execution.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables?: Readonly<Record<string, unknown>> | null,
  maxVisits = MAX_VISITS,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(def.name.value))
      fragments.set(def.name.value, def);
  }
  const declaredDefaults = new Map<string, ValueNode | undefined>();
  for (const def of operation.variableDefinitions ?? [])
    declaredDefaults.set(def.variable.name.value, def.defaultValue);

  const summaries = new Map<string, Summary>();
  const inProgress = new Set<string>();
  let visits = 0;
  let truncated = false;

  const pageSizeOf = (field: FieldNode, cost: FieldCost): number => {
    const max = cost.maxPage ?? Number.POSITIVE_INFINITY;
    const clamp = (n: number) => Math.max(1, Math.min(max, Math.floor(n)));
    for (const arg of field.arguments ?? []) {
      if (!PAGE_ARGS.includes(arg.name.value)) continue;
      const value = arg.value;
      // A literal above the cap costs what it asks for: refused here rather than by the use case.
      if (value.kind === Kind.INT) return Math.max(1, Number(value.value));
      if (value.kind === Kind.NULL) return clamp(cost.defaultPage ?? 1);
      if (value.kind !== Kind.VARIABLE) return clamp(cost.maxPage ?? 1);
      const name = value.name.value;
      const declared = declaredDefaults.get(name);
      if (!variables) {
        // Before the request's values are known: the smallest page it could ask for.
        return declared?.kind === Kind.INT ? clamp(Number(declared.value)) : 1;
      }
      const given = variables[name];
      if (typeof given === 'number' && Number.isFinite(given)) return clamp(given);
      if (given === null) return clamp(cost.defaultPage ?? 1);
      if (given === undefined && declared?.kind === Kind.INT) return clamp(Number(declared.value));
      if (given === undefined && declared?.kind === Kind.NULL) return clamp(cost.defaultPage ?? 1);
      // Absent without a default, or not a number (coercion refuses it later): the largest page.
      return clamp(cost.maxPage ?? 1);
    }
    return clamp(cost.defaultPage ?? 1);
  };

  const fieldType = (
    parent: GraphQLNamedType | undefined,
    name: string,
  ): GraphQLNamedType | undefined => {
    if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return undefined;
    const field = parent.getFields()[name];
    return field ? getNamedType(field.type) : undefined;
  };

  const fragmentSummary = (name: string): Summary => {
    const known = summaries.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return EMPTY; // unknown or cyclic: refused by the standard rules
    inProgress.add(name);
    const summary = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
    inProgress.delete(name);
    summaries.set(name, summary);
    return summary;
  };

  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): Summary => {
    const s: Summary = { depth: 0, aliases: 0, directives: 0, cost: 0, expensive: 0 };
    for (const selection of set.selections) {
      if (truncated) break;
      if (++visits > maxVisits) {
        truncated = true;
        break;
      }
      s.directives = add(s.directives, selection.directives?.length ?? 0);
      let inner: Summary;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const cost = parent ? FIELD_COSTS[`${parent.name}.${name}`] : undefined;
        if (selection.alias) s.aliases = add(s.aliases, 1);
        if (cost?.expensive) s.expensive = add(s.expensive, 1);
        const child = selection.selectionSet
          ? walk(selection.selectionSet, fieldType(parent, name))
          : EMPTY;
        const size = cost ? pageSizeOf(selection, cost) : 1;
        s.cost = add(s.cost, add(1 + (cost?.weight ?? 0), mul(child.cost, size)));
        if (selection.selectionSet) s.depth = Math.max(s.depth, child.depth + 1);
        inner = { ...child, depth: 0, cost: 0 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        inner = walk(selection.selectionSet, type);
        s.cost = add(s.cost, inner.cost);
        s.depth = Math.max(s.depth, inner.depth);
      } else {
        inner = fragmentSummary(selection.name.value);
        s.cost = add(s.cost, inner.cost);
        s.depth = Math.max(s.depth, inner.depth);
      }
      s.aliases = add(s.aliases, inner.aliases);
      s.directives = add(s.directives, inner.directives);
      s.expensive = add(s.expensive, inner.expensive);
    }
    return s;
  };

  const root = walk(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined);
  return {
    depth: root.depth,
    aliases: root.aliases,
    directives: root.directives,
    complexity: root.cost,
    expensiveFields: root.expensive,
    visits: Math.min(visits, maxVisits),
    truncated,
  };
}
