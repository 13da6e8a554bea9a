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
  /** Deepest nesting of fields with a selection, through fragments (introspection excluded). */
  depth: number;
  /**
   * Deepest nesting inside `__schema`/`__type`, counted from that field (the standard
   * introspection query's type references nest about ten levels below it).
   */
  introspectionDepth: number;
  /** `__schema` and `__type` fields, counted once per place a fragment is spread. */
  introspectionFields: number;
  /** Aliased fields, counted once per place a fragment is spread. */
  aliases: number;
  directives: number;
  /**
   * Fields priced by FIELD_COSTS: a page multiplies its selection (a variable's value is capped
   * at the largest page served, since a larger one is refused); searches add a weight.
   * `__typename` and introspection selections cost nothing: they are bounded by
   * `introspectionDepth`, `introspectionFields` and graphql-js's MaxIntrospectionDepthRule.
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
  introDepth: number;
  introFields: number;
  aliases: number;
  directives: number;
  cost: number;
  expensive: number;
}

const EMPTY: Summary = {
  depth: 0,
  introDepth: 0,
  introFields: 0,
  aliases: 0,
  directives: 0,
  cost: 0,
  expensive: 0,
};

/** Root fields of the introspection system: below them, the schema describes itself. */
const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type']);

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

  // Keyed by mode and name: inside introspection, a fragment's depth is introspection depth.
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

  const fragmentSummary = (name: string, introspecting: boolean): Summary => {
    const key = `${introspecting ? 'i' : 'o'}:${name}`;
    const known = summaries.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(key)) return EMPTY; // unknown or cyclic: refused by the standard rules
    inProgress.add(key);
    const summary = walk(
      fragment.selectionSet,
      schema.getType(fragment.typeCondition.name.value),
      introspecting,
    );
    inProgress.delete(key);
    summaries.set(key, summary);
    return summary;
  };

  /**
   * `introspecting`: the selection set is below `__schema`/`__type`, where `depth` is the
   * introspection depth and nothing is priced.
   */
  const walk = (
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    introspecting: boolean,
  ): Summary => {
    const s: Summary = { ...EMPTY };
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
        if (selection.alias) s.aliases = add(s.aliases, 1);
        if (introspecting || INTROSPECTION_ROOTS.has(name)) {
          // The introspection system: its own depth, no price. (Refused outright when
          // introspection is off, by NoSchemaIntrospectionCustomRule.)
          const child = selection.selectionSet
            ? walk(selection.selectionSet, undefined, true)
            : EMPTY;
          const depth = selection.selectionSet ? child.depth + 1 : 0;
          if (introspecting) s.depth = Math.max(s.depth, depth);
          else {
            s.introDepth = Math.max(s.introDepth, depth);
            s.introFields = add(s.introFields, 1);
          }
          inner = { ...child, depth: 0, cost: 0 };
        } else if (name === '__typename') {
          inner = EMPTY; // free: a constant the client's cache needs on every object
        } else {
          const cost = parent ? FIELD_COSTS[`${parent.name}.${name}`] : undefined;
          if (cost?.expensive) s.expensive = add(s.expensive, 1);
          const child = selection.selectionSet
            ? walk(selection.selectionSet, fieldType(parent, name), false)
            : EMPTY;
          const size = cost ? pageSizeOf(selection, cost) : 1;
          s.cost = add(s.cost, add(1 + (cost?.weight ?? 0), mul(child.cost, size)));
          if (selection.selectionSet) s.depth = Math.max(s.depth, child.depth + 1);
          inner = { ...child, depth: 0, cost: 0 };
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        inner = walk(selection.selectionSet, type, introspecting);
        s.cost = add(s.cost, inner.cost);
        s.depth = Math.max(s.depth, inner.depth);
      } else {
        inner = fragmentSummary(selection.name.value, introspecting);
        s.cost = add(s.cost, inner.cost);
        s.depth = Math.max(s.depth, inner.depth);
      }
      s.introDepth = Math.max(s.introDepth, inner.introDepth);
      s.introFields = add(s.introFields, inner.introFields);
      s.aliases = add(s.aliases, inner.aliases);
      s.directives = add(s.directives, inner.directives);
      s.expensive = add(s.expensive, inner.expensive);
    }
    return s;
  };

  const root = walk(
    operation.selectionSet,
    schema.getRootType(operation.operation) ?? undefined,
    false,
  );
  return {
    depth: root.depth,
    introspectionDepth: root.introDepth,
    introspectionFields: root.introFields,
    aliases: root.aliases,
    directives: root.directives,
    complexity: root.cost,
    expensiveFields: root.expensive,
    visits: Math.min(visits, maxVisits),
    truncated,
  };
}
