import type { ApolloServerPlugin, BaseContext, GraphQLResponse } from '@apollo/server';
import type { GraphqlOperationType, MetricsService } from './metrics.service';

/**
 * Apollo Server plugin counting every HTTP GraphQL operation by name, type and outcome, with
 * its duration. Names come from the parsed document (or `anonymous`); a request that never
 * resolves an operation (parse or validation failure) counts as `unknown`. Subscriptions run
 * over graphql-ws and are measured with MetricsService's gauges instead.
 */
export function graphqlMetricsPlugin<TContext extends BaseContext = BaseContext>(
  metrics: MetricsService,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const start = process.hrtime.bigint();
      let name: string | null | undefined;
      let type: GraphqlOperationType = 'unknown';
      let failed = false;
      return {
        async didResolveOperation(ctx) {
          name = ctx.operationName ?? null;
          type = ctx.operation?.operation ?? 'unknown';
        },
        async didEncounterErrors() {
          failed = true;
        },
        async willSendResponse(ctx) {
          const outcome = failed || hasErrors(ctx.response) ? 'error' : 'ok';
          metrics.recordGraphqlOperation(
            name,
            type,
            outcome,
            Number(process.hrtime.bigint() - start) / 1e9,
          );
        },
      };
    },
  };
}

function hasErrors(response: GraphQLResponse): boolean {
  const body = response.body;
  switch (body.kind) {
    case 'single':
      return (body.singleResult.errors?.length ?? 0) > 0;
    case 'incremental':
      return (body.initialResult.errors?.length ?? 0) > 0;
  }
}
