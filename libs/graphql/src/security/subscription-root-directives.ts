import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  SelectionSetNode,
} from 'graphql';

/**
 * graphql-js's SingleFieldSubscriptionsRule evaluates `@skip`/`@include` on a subscription's
 * root selections without variables, and throws (instead of reporting) when a condition is a
 * variable, is missing or is not a boolean: a client mistake that would otherwise answer 500
 * over HTTP and end the socket over WebSocket. Checked before validation (documentGuard over
 * HTTP, WsGateway over WebSocket), in linear time.
 */
export function subscriptionRootDirectiveErrors(document: DocumentNode): GraphQLError[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const errors: GraphQLError[] = [];
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION || def.operation !== 'subscription') continue;
    const seen = new Set<string>();
    const stack: SelectionSetNode[] = [def.selectionSet];
    while (stack.length > 0) {
      for (const selection of stack.pop()!.selections) {
        for (const directive of selection.directives ?? []) {
          if (directive.name.value !== 'skip' && directive.name.value !== 'include') continue;
          const condition = directive.arguments?.find((a) => a.name.value === 'if');
          if (condition?.value.kind !== Kind.BOOLEAN) {
            errors.push(
              new GraphQLError(
                `@${directive.name.value} on a subscription's root selections needs a literal true or false`,
                {
                  nodes: [directive],
                  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
                },
              ),
            );
          }
        }
        if (selection.kind === Kind.INLINE_FRAGMENT) stack.push(selection.selectionSet);
        if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          const fragment = fragments.get(selection.name.value);
          if (fragment) stack.push(fragment.selectionSet);
        }
      }
    }
  }
  return errors;
}
