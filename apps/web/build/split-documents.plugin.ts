import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

const PREFIX = '\0chatter-document:';
const DOCUMENT = /^export const (\w+) = (\{.*\}) as unknown as DocumentNode<.*>;$/gm;

/** The runtime exports of the generated client module: each document's name and JSON AST. */
export function generatedDocuments(source: string): Map<string, string> {
  const documents = new Map<string, string>();
  for (const [, name, ast] of source.matchAll(DOCUMENT)) {
    JSON.parse(ast!); // plain data: a document refers to no other binding
    documents.set(name!, ast!);
  }
  const values = source.match(/^export (?:const|let|var|function|class|enum) /gm)?.length ?? 0;
  if (values !== documents.size)
    throw new Error(
      `split documents: the generated module has ${values} runtime exports, ${documents.size} of them documents; only documents can be split`,
    );
  return documents;
}

/**
 * Serves the generated client module (every GraphQL document of the app in one file) as a barrel
 * of one module per document. Rollup places modules, not exports, in chunks: as one module, every
 * document of every lazily loaded page went into the first screen's chunk; split, each document
 * travels with the code that uses it.
 */
export function splitDocuments(generatedFile: string): Plugin {
  let documents = new Map<string, string>();
  return {
    name: 'chatter:split-documents',
    apply: 'build',
    enforce: 'pre',
    resolveId(source) {
      return source.startsWith(PREFIX) ? source : null;
    },
    load(id) {
      if (id === generatedFile) {
        documents = generatedDocuments(readFileSync(id, 'utf8'));
        return [...documents.keys()]
          .map((name) => `export { ${name} } from ${JSON.stringify(PREFIX + name)};`)
          .join('\n');
      }
      if (id.startsWith(PREFIX)) {
        const name = id.slice(PREFIX.length);
        const ast = documents.get(name);
        if (ast === undefined) throw new Error(`split documents: no document ${name}`);
        return `export const ${name} = ${ast};`;
      }
      return null;
    },
  };
}
