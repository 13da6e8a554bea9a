import { MAX_DIRECTIVES, MAX_EXPENSIVE_FIELDS, QueryLimits } from '@chatter/graphql';
import { AppConfig } from '../platform/config';

const built = new WeakMap<AppConfig, QueryLimits>();

/**
 * The one query-limits object for a configuration: Apollo (HTTP) and the graphql-ws gateway
 * receive the same instance, so the two transports cannot drift apart.
 */
export function queryLimitsFor(config: AppConfig): QueryLimits {
  let limits = built.get(config);
  if (!limits) {
    limits = Object.freeze({
      maxDepth: config.graphql.maxQueryDepth,
      maxAliases: config.graphql.maxAliases,
      maxComplexity: config.graphql.maxQueryComplexity,
      maxDirectives: MAX_DIRECTIVES,
      maxExpensiveFields: MAX_EXPENSIVE_FIELDS,
      introspection: config.graphql.introspection,
    });
    built.set(config, limits);
  }
  return limits;
}
