import {
  ASTVisitor,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxComplexity: number;
  maxDirectives: number;
  introspection: boolean;
}

/** Largest accepted document, in characters (checked before parsing). */
export const MAX_DOCUMENT_LENGTH = 20_000;
/** Largest accepted number of tokens while parsing. */
export const MAX_DOCUMENT_TOKENS = 3_000;

export const documentTooLarge = () =>
  new GraphQLError(`document is too large (at most ${MAX_DOCUMENT_LENGTH} characters)`, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * Express middleware for /graphql: the WebSocket path's document size limit over HTTP too,
 * answered before any parsing (400, BAD_USER_INPUT).
 */
export function documentSizeGuard() {
  return (
    req: { method?: string; body?: { query?: unknown }; query?: { query?: unknown } },
    res: { status(code: number): { json(body: unknown): void } },
    next: () => void,
  ): void => {
    const query = req.method === 'GET' ? req.query?.query : req.body?.query;
    if (typeof query === 'string' && query.length > MAX_DOCUMENT_LENGTH) {
      res.status(400).json({ errors: [{ message: documentTooLarge().message, extensions: { code: 'BAD_USER_INPUT' } }] });
      return;
    }
    next();
  };
}

const PAGE_ARGS = ['first', 'last'];
const DEFAULT_LIST_SIZE = 20;

// Same code over HTTP (where Apollo labels every validation error) and WebSocket.
const limitError = (message: string, _kind: string) =>
  new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });

/**
 * Walks each operation once, following fragments, and computes depth, alias count and a
 * complexity estimate in which paginated fields multiply the cost of their selection.
 */
function measure(context: ValidationContext, operation: OperationDefinitionNode) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of context.getDocument().definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const variables = new Map<string, number>();
  let aliases = 0;
  let directives = 0;
  let maxDepth = 0;

  const sizeOf = (field: FieldNode): number => {
    for (const arg of field.arguments ?? []) {
      if (!PAGE_ARGS.includes(arg.name.value)) continue;
      if (arg.value.kind === Kind.INT) return Math.max(1, Number(arg.value.value));
      if (arg.value.kind === Kind.VARIABLE) return variables.get(arg.value.name.value) ?? DEFAULT_LIST_SIZE;
    }
    return 1;
  };

  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
    let cost = 0;
    maxDepth = Math.max(maxDepth, depth);
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases++;
        const child = selection.selectionSet ? walk(selection.selectionSet, depth + 1, seen) : 0;
        cost += 1 + child * sizeOf(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += walk(selection.selectionSet, depth, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue; // cycles are reported by NoFragmentCycles
        cost += walk(fragment.selectionSet, depth, new Set([...seen, name]));
      }
    }
    return cost;
  };

  const complexity = walk(operation.selectionSet, 0, new Set());
  return { depth: maxDepth, aliases, directives, complexity };
}

export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const limitRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const m = measure(context, node);
      if (m.depth > limits.maxDepth) {
        context.reportError(limitError(`query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`, 'QUERY_TOO_DEEP'));
      }
      if (m.aliases > limits.maxAliases) {
        context.reportError(limitError(`${m.aliases} aliases exceed the limit of ${limits.maxAliases}`, 'TOO_MANY_ALIASES'));
      }
      if (m.directives > limits.maxDirectives) {
        context.reportError(limitError(`${m.directives} directives exceed the limit of ${limits.maxDirectives}`, 'TOO_MANY_DIRECTIVES'));
      }
      if (m.complexity > limits.maxComplexity) {
        context.reportError(
          limitError(`query complexity ${m.complexity} exceeds the limit of ${limits.maxComplexity}`, 'QUERY_TOO_COMPLEX'),
        );
      }
    },
  });
  return limits.introspection ? [limitRule] : [limitRule, NoSchemaIntrospectionCustomRule];
}

/** Removes "Did you mean …?" hints, which leak schema details when introspection is off. */
export function stripSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .*\?$/, '');
}
