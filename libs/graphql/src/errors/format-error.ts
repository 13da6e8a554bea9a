import { DomainError } from '@chatter/core';
import { GraphQLFormattedError } from 'graphql';
import { graphqlCodeFor } from './error-codes';

/** Codes that graphql-js / Apollo produce themselves and that are safe to show as they are. */
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** What a client is told when Redis, NATS or the database failed (the details go to the log). */
export const UNAVAILABLE_MESSAGE = 'the service is temporarily unavailable: retry shortly';

export interface ErrorLogger {
  error(context: Record<string, unknown>, message: string): void;
}

/**
 * Maps every error to a stable `extensions.code`. Domain errors keep their message and safe
 * details; unknown errors are logged with context and masked.
 */
export function createErrorFormatter(logger: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrap(error);
    if (original instanceof DomainError && original.code === 'UNAVAILABLE') {
      // Infrastructure text (Redis's NOAUTH or OOM, hosts, ports) is for the log, not for clients.
      logger.error({ err: original, path: formatted.path }, 'a dependency was unavailable');
      return {
        message: UNAVAILABLE_MESSAGE,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: graphqlCodeFor(original.code) },
      };
    }
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: graphqlCodeFor(original.code), ...original.details },
      };
    }
    const code =
      typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : undefined;
    if (code && PASS_THROUGH.has(code)) {
      // Which query limit refused a document (set by the security rules; a fixed set of names).
      const limit =
        typeof formatted.extensions?.limit === 'string'
          ? { limit: formatted.extensions.limit }
          : {};
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code, ...limit },
      };
    }
    // A GraphQLError that wraps nothing comes from parsing, validation, coercion or our own
    // deliberate answers (with a code): safe to show.
    if (isGraphQLError(original)) {
      // Variable coercion errors are the client's input, as Apollo labels them over HTTP.
      const coercion = /^Variable "\$/.test(formatted.message);
      const shown = !code
        ? coercion
          ? 'BAD_USER_INPUT'
          : 'GRAPHQL_VALIDATION_FAILED'
        : code === 'INTERNAL_SERVER_ERROR'
          ? 'BAD_USER_INPUT'
          : code;
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: shown },
      };
    }
    logger.error(
      { err: original, path: formatted.path },
      'unexpected error while resolving GraphQL',
    );
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

function isGraphQLError(e: unknown): boolean {
  return !!e && typeof e === 'object' && (e as { name?: string }).name === 'GraphQLError';
}

function unwrap(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    const next = (current as { originalError?: unknown }).originalError;
    if (!next) break;
    current = next;
  }
  return current;
}
