import { BREAK, DocumentNode, FieldNode, getOperationAST, visit } from 'graphql';

/**
 * The variables that can change how an event is rendered for this subscription: every variable
 * the operation uses except in its root field's arguments. Root arguments (`since:` cursors,
 * filters) decide which events a subscriber gets, not what one event looks like, so two
 * subscribers that differ only there can share one execution and one serialization.
 */
export function renderVariables(document: DocumentNode, operationName?: string | null): string[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  let root: FieldNode | undefined;
  visit(operation.selectionSet, {
    Field(node) {
      root = node;
      return BREAK;
    },
  });
  const used = new Set<string>();
  visit(document, {
    VariableDefinition: () => false,
    Argument(_node, _key, parent) {
      if (parent === root?.arguments) return false;
      return undefined;
    },
    Variable(node) {
      used.add(node.name.value);
    },
    OperationDefinition(node) {
      // Other operations in the document are never executed for this subscription.
      return node === operation ? undefined : false;
    },
  });
  return [...used].sort();
}
