import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measureOperation } from './query-cost';
import { measureRequest } from './request-measure-cache';

const schema = buildSchema(readFileSync(join(__dirname, '../../../../schema.graphql'), 'utf8'));
const operationOf = (query: string) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return { document, operation };
};

describe('measureRequest', () => {
  it('measures a document whose price reads no variable once, for every request of it', () => {
    const { document, operation } = operationOf(
      'query($id: ID!){ conversation(id: $id){ id members(first: 20){ edges { node { user { id } } } } } }',
    );
    const first = measureRequest(schema, document, operation, { id: 'a' });
    expect(first).toEqual(measureOperation(schema, document, operation, { id: 'a' }));
    expect(measureRequest(schema, document, operation, { id: 'b' })).toBe(first);
    // The same text parsed again is another document: measured afresh, to the same figures.
    const again = operationOf(
      'query($id: ID!){ conversation(id: $id){ id members(first: 20){ edges { node { user { id } } } } } }',
    );
    const other = measureRequest(schema, again.document, again.operation, { id: 'a' });
    expect(other).not.toBe(first);
    expect(other).toEqual(first);
  });

  it("measures a document priced by its variables with each request's values", () => {
    const { document, operation } = operationOf(
      'query($a: Int, $b: Int){ channels(first: $a){ edges { node { members(first: $b){ edges { node { user { id } } } } } } } }',
    );
    const small = measureRequest(schema, document, operation, { a: 2, b: 3 });
    const large = measureRequest(schema, document, operation, { a: 50, b: 100 });
    expect(large.complexity).toBeGreaterThan(small.complexity);
    expect(measureRequest(schema, document, operation, { a: 2, b: 3 })).toEqual(small);
    expect(measureRequest(schema, document, operation, {})).toEqual(
      measureOperation(schema, document, operation, {}),
    );
    expect(measureRequest(schema, document, operation, {}).complexity).toBe(large.complexity);
  });
});
