import { DocumentNode, GraphQLError, GraphQLSchema, parse, ValidationRule } from 'graphql';
import {
  MAX_DOCUMENT_TOKENS,
  QueryLimits,
  queryLimitRules,
  validateWithinLimits,
} from '../security/query-limits';
import { subscriptionRootDirectiveErrors } from '../security/subscription-root-directives';

/** Distinct valid documents kept parsed and validated (each at most MAX_DOCUMENT_LENGTH). */
export const MAX_CACHED_DOCUMENTS = 500;

/**
 * A valid document, with its text as the cache holds it: equal texts give the same string, so a
 * caller that keeps the text (graphql-ws keeps each subscribe message for the subscription's
 * life) can keep one copy for every socket that sent it.
 */
export type CheckedDocument =
  { document: DocumentNode; query: string } | { errors: readonly GraphQLError[] };

/**
 * Parses and validates a document once, with the same rules as HTTP: clients send the same few
 * documents on every (re)connect, so a reconnect storm costs one parse and one validation per
 * distinct document. Only valid documents are kept, in a bounded least-recently-used map. Equal
 * texts give the same DocumentNode object, which the shared renderer relies on.
 */
export class DocumentCache {
  private readonly documents = new Map<string, { query: string; document: DocumentNode }>();
  private readonly limitRules: readonly ValidationRule[];

  constructor(
    private readonly schema: GraphQLSchema,
    limits: QueryLimits,
    private readonly capacity = MAX_CACHED_DOCUMENTS,
  ) {
    this.limitRules = queryLimitRules(limits);
  }

  get size(): number {
    return this.documents.size;
  }

  check(query: string): CheckedDocument {
    const cached = this.documents.get(query);
    if (cached) {
      this.documents.delete(query);
      this.documents.set(query, cached);
      return cached;
    }
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
    } catch (error) {
      // Same code as Apollo gives over HTTP.
      const message = error instanceof GraphQLError ? error.message : 'Syntax Error';
      return {
        errors: [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })],
      };
    }
    // graphql-js throws (instead of reporting) for a variable @include/@skip on a subscription's root.
    const hazards = subscriptionRootDirectiveErrors(document);
    if (hazards.length > 0) return { errors: hazards };
    const errors = validateWithinLimits(this.schema, document, this.limitRules);
    if (errors.length > 0) return { errors };
    if (this.documents.size >= this.capacity)
      this.documents.delete(this.documents.keys().next().value!);
    const checked = { query, document };
    this.documents.set(query, checked);
    return checked;
  }
}
