import { serverAudits } from 'graphql-http';
import type { AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, removeDataDir, startApi } from '../support';

/**
 * GraphQL-over-HTTP conformance of the real /graphql endpoint, audited with graphql-http's
 * `serverAudits`. Every MUST passes. Every SHOULD/MAY that does not pass is listed below with the
 * reason; the test fails when that set changes in either direction (a new deviation, or one that
 * went away and should be removed from this table).
 */
const ACCEPTED: Record<string, { status: 'warn' | 'notice'; reason: string }> = {
  '5A70': {
    status: 'notice',
    reason:
      'MAY accept GET with url-encoded params: GET queries work, but Apollo CSRF prevention refuses a GET that carries no preflight-forcing header (apollo-require-preflight / x-apollo-operation-name / a non-simple content-type) with 400 BAD_REQUEST, and the audit sends none.',
  },
  D6D5: {
    status: 'notice',
    reason:
      'MAY accept url-encoded JSON {variables} in GET (graphql-response+json): same CSRF rule as 5A70, the audit GET has no preflight header.',
  },
  '6A70': {
    status: 'notice',
    reason:
      'MAY accept url-encoded JSON {variables} in GET (application/json): same CSRF rule as 5A70.',
  },
  '572B': {
    status: 'warn',
    reason:
      'SHOULD answer 200 on a parse failure when the client accepts application/json (the legacy watershed): Apollo Server 4 answers 400 with GRAPHQL_PARSE_FAILED for every accept header.',
  },
  FDE2: {
    status: 'warn',
    reason:
      'SHOULD answer 200 on a validation failure for application/json: Apollo answers 400 GRAPHQL_VALIDATION_FAILED (our limits depend on it too).',
  },
  '7B9B': {
    status: 'warn',
    reason:
      'SHOULD answer 200 on a variable coercion failure for application/json: Apollo answers 400 BAD_USER_INPUT.',
  },
};

let api: ApiProcess;

beforeAll(async () => {
  api = await startApi({ INTROSPECTION: 'true' });
});
afterAll(async () => {
  await api?.stop();
  if (api) removeDataDir(api);
});

describe('GraphQL over HTTP conformance (graphql-http serverAudits)', () => {
  it('passes every MUST audit; the non-ok SHOULD/MAY audits are exactly the accepted ones', async () => {
    const results: AuditResult[] = [];
    for (const audit of serverAudits({ url: `${api.url}/graphql` })) {
      results.push(await audit.fn());
    }
    const rows = results.map((r) => ({
      id: r.id,
      level: r.name.split(' ')[0]!,
      status: r.status,
      name: r.name.slice(r.name.indexOf(' ') + 1),
      note: r.status === 'ok' ? '' : ACCEPTED[r.id] ? 'accepted' : `UNEXPECTED: ${r.reason}`,
    }));
    const w = { name: Math.max(...rows.map((r) => r.name.length)) };
    console.log(
      [
        `\ngraphql-http serverAudits against ${api.url}/graphql: ${results.length} audits, ` +
          `${results.filter((r) => r.status === 'ok').length} ok, ${results.filter((r) => r.status === 'notice').length} notice, ` +
          `${results.filter((r) => r.status === 'warn').length} warn, ${results.filter((r) => r.status === 'error').length} error`,
        `| id   | level  | status | ${'audit'.padEnd(w.name)} | note`,
        `| ---- | ------ | ------ | ${'-'.repeat(w.name)} | ----`,
        ...rows.map(
          (r) =>
            `| ${r.id.padEnd(4)} | ${r.level.padEnd(6)} | ${r.status.padEnd(6)} | ${r.name.padEnd(w.name)} | ${r.note}`,
        ),
      ].join('\n'),
    );

    expect(results.length).toBeGreaterThan(50);
    const mustFailures = results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok');
    expect(
      mustFailures.map((r) => `${r.id} ${r.name}: ${r.status === 'ok' ? '' : r.reason}`),
    ).toEqual([]);
    const nonOk = Object.fromEntries(
      results.filter((r) => r.status !== 'ok').map((r) => [r.id, r.status]),
    );
    const accepted = Object.fromEntries(Object.entries(ACCEPTED).map(([id, a]) => [id, a.status]));
    expect(nonOk).toEqual(accepted);
  });

  it('answers a GET query that carries a CSRF preflight header, and the same GET without it with 400 BAD_REQUEST', async () => {
    // The documented reason for 5A70/D6D5/6A70: GET works for non-browser clients that say so.
    const url = `${api.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const withHeader = await fetch(url, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(withHeader.status).toBe(200);
    expect(await withHeader.json()).toEqual({ data: { __typename: 'Query' } });
    const without = await fetch(url, { headers: { accept: 'application/json' } });
    expect(without.status).toBe(400);
    expect(
      ((await without.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!
        .extensions.code,
    ).toBe('BAD_REQUEST');
  });
});
