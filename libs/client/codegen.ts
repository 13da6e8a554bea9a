// GraphQL Code Generator config for the typed client documents (run: npm run codegen).
// Paths resolve from this file's folder so the config works from any working directory.
// CHATTER_CODEGEN_OUT lets scripts/check-codegen.mjs regenerate into a temp folder.
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';
import { Kind, visit, type DocumentNode } from 'graphql';

/** Operation roots carry no __typename (Apollo Client adds none there and never reads one). */
const withoutRootTypename = (document: DocumentNode): DocumentNode =>
  visit(document, {
    OperationDefinition: (operation) => ({
      ...operation,
      selectionSet: {
        ...operation.selectionSet,
        selections: operation.selectionSet.selections.filter(
          (s) => !(s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias),
        ),
      },
    }),
  });

const here = __dirname;
const out = process.env['CHATTER_CODEGEN_OUT'] ?? path.join(here, 'src/generated');

const config: CodegenConfig = {
  schema: path.join(here, '../../schema.graphql'),
  documents: [path.join(here, 'src/documents/**/*.graphql')],
  ignoreNoDocuments: false,
  generates: {
    [out.endsWith('/') ? out : `${out}/`]: {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        gqlTagName: 'gql',
        // persisted-documents.json: sha256 of each operation's text → that text. The API's
        // TRUSTED_DOCUMENTS mode runs only these; each document carries its hash in __meta__.
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      // __typename on every object selection, as Apollo Client's cache needs: the server runs
      // the manifest's text, so it must already ask for what the cache will read.
      documentTransforms: [
        addTypenameSelectionDocumentTransform,
        {
          transform: ({ documents }) =>
            documents.map((d) =>
              d.document ? { ...d, document: withoutRootTypename(d.document) } : d,
            ),
        },
      ],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string' },
        skipTypename: false,
        avoidOptionals: false,
        // The preset's own mode (documentNodeImportFragments): the one that embeds the hash.
        documentMode: 'documentNodeImportFragments',
      },
    },
  },
  hooks: {},
};

export default config;
