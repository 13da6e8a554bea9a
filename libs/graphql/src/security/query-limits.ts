import {
  ASTNode,
  ASTVisitor,
  DocumentNode,
  getOperationAST,
  GraphQLError,
  GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { mostRepeatedField } from './field-repeats';
import { MAX_VISITS, measureOperation, OperationMeasure } from './query-cost';
import { measureRequest } from './request-measure-cache';

/** The limits every operation is held to, over HTTP and WebSocket (one settings object). */
export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxComplexity: number;
  readonly maxDirectives: number;
  /** Searches (fields marked expensive in FIELD_COSTS) per operation, spreads included. */
  readonly maxExpensiveFields: number;
  /**
   * Allows `__schema`/`__type`. Their selections count toward none of the limits above except
   * aliases and directives; they have their own bounds (MAX_INTROSPECTION_DEPTH and
   * MAX_INTROSPECTION_FIELDS, plus graphql-js's MaxIntrospectionDepthRule on nested lists).
   */
  readonly introspection: boolean;
}

/** Directives per operation (each `@include`/`@skip` is work for every spread). */
export const MAX_DIRECTIVES = 50;
/** Searches per operation: a search box sends one (messages) or two (messages and channels). */
export const MAX_EXPENSIVE_FIELDS = 2;

/**
 * Nesting below `__schema`/`__type`, counted from that field. The standard introspection query
 * (`getIntrospectionQuery()`, any options) reaches 13 through its TypeRef fragment; a longer
 * `ofType { ofType { … } }` chain describes no type a schema can have.
 */
export const MAX_INTROSPECTION_DEPTH = 20;
/** `__schema` and `__type` fields per operation (each can render the whole schema). */
export const MAX_INTROSPECTION_FIELDS = 5;

/**
 * Times one selection set may select the same response name, fragments spread into it counted
 * each time (`__typename` excluded). graphql-js compares every such pair to check they merge,
 * so this bounds validation's quadratic part; real documents repeat a field a handful of times
 * (the same `id` or `author { … }` from a few colocated fragments).
 */
export const MAX_FIELD_REPEATS = 30;

/** Largest accepted document, in characters (checked before parsing). */
export const MAX_DOCUMENT_LENGTH = 20_000;
/** Largest accepted number of tokens while parsing. */
export const MAX_DOCUMENT_TOKENS = 3_000;

export const documentTooLarge = () =>
  new GraphQLError(`document is too large (at most ${MAX_DOCUMENT_LENGTH} characters)`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });

/** Refusal reasons, in `extensions.limit` beside `code: GRAPHQL_VALIDATION_FAILED` (stable). */
export type QueryLimitReason =
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_DIRECTIVES'
  | 'TOO_MANY_REPEATED_FIELDS'
  | 'QUERY_TOO_COMPLEX'
  | 'TOO_MANY_EXPENSIVE_FIELDS'
  | 'QUERY_TOO_LARGE'
  | 'INTROSPECTION_TOO_DEEP'
  | 'TOO_MANY_INTROSPECTION_FIELDS';

// Same code over HTTP (where Apollo labels every validation error) and WebSocket; the reason
// tells which limit refused the document. 400 when raised before execution over HTTP.
const limitError = (message: string, limit: QueryLimitReason, node?: ASTNode) =>
  new GraphQLError(message, {
    nodes: node,
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, http: { status: 400 } },
  });

/** The limits an operation breaks, as errors (none when it may run). */
export function limitErrors(
  m: OperationMeasure,
  limits: QueryLimits,
  phase: 'document' | 'request',
): GraphQLError[] {
  const errors: GraphQLError[] = [];
  if (m.truncated) {
    errors.push(
      limitError(
        `document has more than ${MAX_VISITS} selections (fragments counted once)`,
        'QUERY_TOO_LARGE',
      ),
    );
    return errors;
  }
  // Structure does not depend on variables: checked once, when the document is validated.
  if (phase === 'document') {
    if (m.depth > limits.maxDepth)
      errors.push(
        limitError(
          `query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`,
          'QUERY_TOO_DEEP',
        ),
      );
    if (m.aliases > limits.maxAliases)
      errors.push(
        limitError(
          `${m.aliases} aliases exceed the limit of ${limits.maxAliases}`,
          'TOO_MANY_ALIASES',
        ),
      );
    if (m.directives > limits.maxDirectives) {
      errors.push(
        limitError(
          `${m.directives} directives exceed the limit of ${limits.maxDirectives}`,
          'TOO_MANY_DIRECTIVES',
        ),
      );
    }
    if (m.introspectionDepth > MAX_INTROSPECTION_DEPTH)
      errors.push(
        limitError(
          `introspection depth ${m.introspectionDepth} exceeds the limit of ${MAX_INTROSPECTION_DEPTH}`,
          'INTROSPECTION_TOO_DEEP',
        ),
      );
    if (m.introspectionFields > MAX_INTROSPECTION_FIELDS)
      errors.push(
        limitError(
          `${m.introspectionFields} __schema/__type fields in one operation exceed the limit of ${MAX_INTROSPECTION_FIELDS}`,
          'TOO_MANY_INTROSPECTION_FIELDS',
        ),
      );
    if (m.expensiveFields > limits.maxExpensiveFields) {
      errors.push(
        limitError(
          `${m.expensiveFields} searches in one operation exceed the limit of ${limits.maxExpensiveFields}`,
          'TOO_MANY_EXPENSIVE_FIELDS',
        ),
      );
    }
  }
  if (m.complexity > limits.maxComplexity) {
    errors.push(
      limitError(
        `query complexity ${m.complexity} exceeds the limit of ${limits.maxComplexity}`,
        'QUERY_TOO_COMPLEX',
      ),
    );
  }
  return errors;
}

/**
 * Validation rules: depth, aliases, directives, searches and a lower bound of the complexity
 * (page-size variables at their smallest), measured in linear time (see measureOperation), and
 * fields repeated in one selection set (see mostRepeatedField).
 */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const limitRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const m = measureOperation(context.getSchema(), context.getDocument(), node);
      for (const error of limitErrors(m, limits, 'document')) context.reportError(error);
    },
    // After the operations' own limits, so their refusal reasons come first.
    Document: {
      leave(node) {
        const repeat = mostRepeatedField(node);
        if (repeat && repeat.count > MAX_FIELD_REPEATS)
          context.reportError(
            limitError(
              `"${repeat.responseName}" is selected ${repeat.count} times in one selection set (fragments expanded), more than the limit of ${MAX_FIELD_REPEATS}`,
              'TOO_MANY_REPEATED_FIELDS',
              repeat.node,
            ),
          );
      },
    },
  });
  return limits.introspection ? [limitRule] : [limitRule, NoSchemaIntrospectionCustomRule];
}

/**
 * Validates a document the way the server does, in two passes: the limit rules first, which run
 * in linear time, then (only if they pass) graphql-js's standard rules, some of which are
 * quadratic in what the limits bound (OverlappingFieldsCanBeMergedRule). A document that breaks
 * a limit gets only the limit errors. Over HTTP, documentGuard runs the first pass before Apollo
 * runs both.
 */
export function validateWithinLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  limitRules: readonly ValidationRule[],
): readonly GraphQLError[] {
  const errors = validate(schema, document, limitRules);
  return errors.length > 0 ? errors : validate(schema, document, specifiedRules);
}

/**
 * The complexity of the operation a request runs, with the request's variable values (page
 * sizes): called after validation, before execution, over HTTP and WebSocket alike.
 */
export function requestLimitErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  limits: QueryLimits,
): GraphQLError[] {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return [];
  return limitErrors(
    measureRequest(schema, document, operation, variables ?? {}),
    limits,
    'request',
  );
}

/** Removes "Did you mean …?" hints, which leak schema details when introspection is off. */
export function stripSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .*\?$/, '');
}
