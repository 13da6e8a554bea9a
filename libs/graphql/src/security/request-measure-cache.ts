import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { measureOperation, OperationMeasure } from './query-cost';

type PerDocument = WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationMeasure>>;

const cache = new WeakMap<GraphQLSchema, PerDocument>();

/**
 * measureOperation with the request's variables, remembered per schema, document and operation
 * when the measurement read no variable: its figures then hold for every request of that
 * document (Apollo reuses one parsed document per query text). A measurement that read a
 * variable (a page size) is made again for each request, with that request's values.
 */
export function measureRequest(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): OperationMeasure {
  let documents = cache.get(schema);
  const known = documents?.get(document)?.get(operation);
  if (known) return known;
  let readVariable = false;
  const watched = new Proxy(variables, {
    get(target, key, receiver) {
      readVariable = true;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const measure = measureOperation(schema, document, operation, watched);
  if (readVariable) return measure;
  if (!documents) cache.set(schema, (documents = new WeakMap()));
  let operations = documents.get(document);
  if (!operations) documents.set(document, (operations = new Map()));
  operations.set(operation, measure);
  return measure;
}
