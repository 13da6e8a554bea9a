import {
  BREAK,
  DocumentNode,
  FieldNode,
  getOperationAST,
  OperationDefinitionNode,
  visit,
} from 'graphql';

/**
 * The variables that can change how an event is rendered for this subscription: every variable
 * the operation uses except in its root field's arguments. Root arguments (`since:` cursors,
 * filters) decide which events a subscriber gets, not what one event looks like, so two
 * subscribers that differ only there can share one execution and one serialization.
 */
export function renderVariables(document: DocumentNode, operationName?: string | null): string[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const root = rootFieldOf(operation);
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

/**
 * What rendering executes for each event of this subscription: the operation alone, its root
 * field without arguments (they chose the events; the event is the root value) and only the
 * definitions of its render variables, so an execution coerces none of the `since:` cursors a
 * client sends (up to a thousand). The document as it is when the root field sits behind a
 * named fragment (its arguments then count as render variables).
 */
export function renderDocument(
  document: DocumentNode,
  operationName: string | null | undefined,
  /** The operation's render variables (`renderVariables`). */
  names: readonly string[],
): DocumentNode {
  const operation = getOperationAST(document, operationName);
  const root = operation && rootFieldOf(operation);
  if (!operation || !root) return document;
  const keep = new Set(names);
  return visit(document, {
    OperationDefinition: (node) => (node === operation ? undefined : null),
    VariableDefinition: (node) => (keep.has(node.variable.name.value) ? undefined : null),
    Field: (node) => (node === root ? { ...node, arguments: [] } : undefined),
  });
}

/** The operation's root field, when it is in the operation's own selection (not behind a named fragment). */
function rootFieldOf(operation: OperationDefinitionNode): FieldNode | undefined {
  let root: FieldNode | undefined;
  visit(operation.selectionSet, {
    Field(node) {
      root = node;
      return BREAK;
    },
  });
  return root;
}
