import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { documentGuard } from './document-guard';
import {
  MAX_DIRECTIVES,
  MAX_EXPENSIVE_FIELDS,
  MAX_FIELD_REPEATS,
  QueryLimits,
} from './query-limits';

const schema = buildSchema(readFileSync(join(__dirname, '../../../../schema.graphql'), 'utf8'));
const limits: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxComplexity: 5000,
  maxDirectives: MAX_DIRECTIVES,
  maxExpensiveFields: MAX_EXPENSIVE_FIELDS,
  introspection: false,
};

interface Outcome {
  passed: boolean;
  status?: number;
  body?: {
    errors: { message: string; locations?: unknown; extensions: Record<string, unknown> }[];
  };
}

function harness(capacity?: number) {
  let schemaReads = 0;
  const guard = documentGuard({
    schema: () => {
      schemaReads++;
      return schema;
    },
    limits,
    capacity,
  });
  const send = (query: unknown, method = 'POST'): Outcome => {
    const outcome: Outcome = { passed: false };
    guard(
      method === 'GET' ? { method, query: { query } } : { method, body: { query } },
      {
        status: (code) => ({
          json: (body) => {
            outcome.status = code;
            outcome.body = body as Outcome['body'];
          },
        }),
      },
      () => {
        outcome.passed = true;
      },
    );
    return outcome;
  };
  return { send, schemaReads: () => schemaReads };
}

const repeated = (n: number) => `{ ${Array(n).fill('user(id:"1"){ id }').join(' ')} }`;

describe('documentGuard', () => {
  it('refuses a document that breaks a limit before Apollo sees it, as Apollo answers limit refusals', () => {
    const { send } = harness();
    const outcome = send(repeated(MAX_FIELD_REPEATS + 1));
    expect(outcome.passed).toBe(false);
    expect(outcome.status).toBe(400);
    expect(outcome.body?.errors).toHaveLength(1);
    expect(outcome.body?.errors[0]).toMatchObject({
      message: expect.stringContaining(`"user" is selected ${MAX_FIELD_REPEATS + 1} times`),
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'TOO_MANY_REPEATED_FIELDS' },
    });
    expect(outcome.body?.errors[0]?.extensions).not.toHaveProperty('http');

    const aliases = `{ me { ${Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(' ')} } }`;
    expect(send(aliases, 'GET').body?.errors[0]?.extensions['limit']).toBe('TOO_MANY_ALIASES');
  });

  it('lets documents within the limits through, and remembers their text', () => {
    const { send, schemaReads } = harness();
    expect(send(repeated(MAX_FIELD_REPEATS)).passed).toBe(true);
    expect(send('{ me { id name } }').passed).toBe(true);
    expect(schemaReads()).toBe(2);
    expect(send('{ me { id name } }').passed).toBe(true);
    expect(send(repeated(MAX_FIELD_REPEATS)).passed).toBe(true);
    expect(schemaReads()).toBe(2); // both remembered: no second validation
  });

  it('forgets the least recently used text beyond its capacity', () => {
    const { send, schemaReads } = harness(2);
    send('{ me { id } }');
    send('{ me { name } }');
    send('{ me { id } }'); // now the most recent
    send('{ me { phone } }'); // evicts `{ me { name } }`
    expect(schemaReads()).toBe(3);
    send('{ me { id } }');
    expect(schemaReads()).toBe(3);
    send('{ me { name } }');
    expect(schemaReads()).toBe(4);
  });

  it('refuses oversized documents and subscription-root directive hazards, and leaves syntax errors and other requests to Apollo', () => {
    const { send } = harness();
    const large = send(`{ me { id } } #${'x'.repeat(20_000)}`);
    expect(large.status).toBe(400);
    expect(large.body?.errors[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    const hazard = send(
      'subscription($s: Boolean!) { chatEvents @include(if: $s) { __typename } }',
    );
    expect(hazard.status).toBe(400);
    expect(hazard.body?.errors[0]?.extensions['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(send('{ me { id ').passed).toBe(true);
    expect(send(undefined).passed).toBe(true);
    expect(send({ not: 'text' }).passed).toBe(true);
  });
});
