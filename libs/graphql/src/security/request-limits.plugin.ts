import type { ApolloServerPlugin } from '@apollo/server';
import { QueryLimits, requestLimitErrors } from './query-limits';
import { subscriptionRootDirectiveErrors } from './subscription-root-directives';

/**
 * Over HTTP: refuses documents that would make a standard validation rule throw (see
 * subscriptionRootDirectiveErrors) before Apollo validates them, and prices the operation with the request's variables (page sizes) once Apollo has
 * resolved it, before execution; a refusal answers 400 GRAPHQL_VALIDATION_FAILED with
 * `extensions.limit`, as the validation rules do. WsGateway applies the same check.
 */
export function requestLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        validationDidStart: (ctx) => {
          const hazards = subscriptionRootDirectiveErrors(ctx.document);
          if (hazards[0]) return Promise.reject(hazards[0]);
          return Promise.resolve();
        },
        didResolveOperation: (ctx) => {
          const errors = requestLimitErrors(ctx.schema, ctx.document, ctx.operationName, ctx.request.variables, limits);
          if (errors[0]) return Promise.reject(errors[0]);
          return Promise.resolve();
        },
      }),
  };
}
