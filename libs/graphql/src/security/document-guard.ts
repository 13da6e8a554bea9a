import {
  DocumentNode,
  GraphQLError,
  GraphQLSchema,
  parse,
  validate,
  ValidationRule,
} from 'graphql';
import {
  documentTooLarge,
  MAX_DOCUMENT_LENGTH,
  MAX_DOCUMENT_TOKENS,
  QueryLimits,
  queryLimitRules,
} from './query-limits';
import { subscriptionRootDirectiveErrors } from './subscription-root-directives';

/** Distinct document texts remembered as passing the guard (each at most MAX_DOCUMENT_LENGTH). */
export const MAX_GUARDED_DOCUMENTS = 500;

export interface DocumentGuardOptions {
  /** The served schema; read on the first request (NestJS builds it when the app starts). */
  readonly schema: () => GraphQLSchema;
  readonly limits: QueryLimits;
  readonly capacity?: number;
}

/**
 * Express middleware for /graphql, answered before Apollo sees the request:
 * - the WebSocket path's document size limit over HTTP too (400 BAD_USER_INPUT);
 * - subscriptions whose root `@skip`/`@include` would make graphql-js's validation throw
 *   (400 GRAPHQL_VALIDATION_FAILED instead of Apollo's 500);
 * - the query limits (depth, aliases, repeated fields, directives, complexity…), checked in
 *   linear time before Apollo runs graphql-js's standard rules, some of which are quadratic in
 *   what the limits bound: a few kilobytes repeating one field would otherwise cost tens of
 *   milliseconds of validation before the limit rule could refuse them (400
 *   GRAPHQL_VALIDATION_FAILED with `extensions.limit`, as Apollo answers them).
 * Texts that passed are remembered (bounded, least recently used first out), so a client
 * sending the same document again costs one lookup. Syntax errors are left to Apollo.
 */
export function documentGuard(options: DocumentGuardOptions) {
  const capacity = options.capacity ?? MAX_GUARDED_DOCUMENTS;
  const passed = new Set<string>();
  let limitRules: readonly ValidationRule[] | null = null;

  const refuse = (res: GuardResponse, errors: readonly GraphQLError[]) =>
    res.status(400).json({
      errors: errors.map(({ message, locations, extensions }) => ({
        message,
        locations,
        // As Apollo answers: the limit's reason kept, the HTTP status not echoed.
        extensions: { ...withoutHttp(extensions), code: 'GRAPHQL_VALIDATION_FAILED' },
      })),
    });

  return (
    req: { method?: string; body?: { query?: unknown }; query?: { query?: unknown } },
    res: GuardResponse,
    next: () => void,
  ): void => {
    const query = req.method === 'GET' ? req.query?.query : req.body?.query;
    if (typeof query !== 'string') return next();
    if (passed.has(query)) {
      passed.delete(query); // most recently used last
      passed.add(query);
      return next();
    }
    if (query.length > MAX_DOCUMENT_LENGTH) {
      res.status(400).json({
        errors: [{ message: documentTooLarge().message, extensions: { code: 'BAD_USER_INPUT' } }],
      });
      return;
    }
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
    } catch {
      return next(); // Apollo answers the syntax error itself
    }
    const hazards = subscriptionRootDirectiveErrors(document);
    if (hazards.length > 0) return refuse(res, hazards.slice(0, 1));
    limitRules ??= queryLimitRules(options.limits);
    const errors = validate(options.schema(), document, limitRules);
    if (errors.length > 0) return refuse(res, errors);
    if (passed.size >= capacity) passed.delete(passed.values().next().value!);
    passed.add(query);
    next();
  };
}

function withoutHttp(extensions: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rest = { ...extensions };
  delete rest['http'];
  return rest;
}

interface GuardResponse {
  status(code: number): { json(body: unknown): void };
}
