import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { QueryLimits, requestLimitErrors } from './query-limits';

/** Subscriptions stream over graphql-ws; over HTTP their resolver has no stream to serve. */
const subscriptionOverHttp = () =>
  new GraphQLError('subscriptions are served over WebSocket (graphql-transport-ws) at /graphql', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });

/**
 * Over HTTP, once Apollo has resolved the operation and before execution: refuses subscriptions
 * (400 BAD_REQUEST), and prices the operation with the request's variables (page sizes); a
 * refusal answers 400 GRAPHQL_VALIDATION_FAILED with `extensions.limit`, as the validation
 * rules do. WsGateway applies the same price check.
 */
export function requestLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: (ctx) => {
          if (ctx.operation?.operation === 'subscription')
            return Promise.reject(subscriptionOverHttp());
          const errors = requestLimitErrors(
            ctx.schema,
            ctx.document,
            ctx.operationName,
            ctx.request.variables,
            limits,
          );
          if (errors[0]) return Promise.reject(errors[0]);
          return Promise.resolve();
        },
      }),
  };
}
