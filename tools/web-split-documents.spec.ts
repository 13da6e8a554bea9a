import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDocuments } from '../apps/web/build/split-documents.plugin';

const generated = path.join(__dirname, '..', 'libs', 'client', 'src', 'generated', 'graphql.ts');

describe('the web build serves each generated document as its own module', () => {
  it('finds every document of the generated client, each a plain AST', () => {
    const source = readFileSync(generated, 'utf8');
    const documents = generatedDocuments(source);
    expect(documents.size).toBe(source.match(/^export const \w+Doc(?:ument)? = /gm)?.length);
    expect(documents.size).toBeGreaterThan(20);
    for (const [name, ast] of documents) {
      expect(name).toMatch(/(Document|FragmentDoc)$/);
      expect(JSON.parse(ast)).toMatchObject({ kind: 'Document' });
    }
  });

  it('refuses a generated module with another runtime export (it would be lost)', () => {
    const source = [
      'export const ADocument = {"kind":"Document","definitions":[]} as unknown as DocumentNode<A, B>;',
      'export function helper() { return 1; }',
    ].join('\n');
    expect(() => generatedDocuments(source)).toThrow(/2 runtime exports, 1 of them documents/);
  });

  it('refuses a document that refers to another binding', () => {
    const source =
      'export const ADocument = {"kind":"Document","definitions":[...B.definitions]} as unknown as DocumentNode<A, B>;';
    expect(() => generatedDocuments(source)).toThrow();
  });
});
