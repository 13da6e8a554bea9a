// GraphQL Code Generator config for the typed client documents (run: npm run codegen).
// Paths resolve from this file's folder so the config works from any working directory.
// CHATTER_CODEGEN_OUT lets scripts/check-codegen.mjs regenerate into a temp folder.
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

const here = __dirname;
const out = process.env['CHATTER_CODEGEN_OUT'] ?? path.join(here, 'src/generated');

const config: CodegenConfig = {
  schema: path.join(here, '../../schema.graphql'),
  documents: [path.join(here, 'src/documents/**/*.graphql')],
  ignoreNoDocuments: false,
  generates: {
    [out.endsWith('/') ? out : `${out}/`]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'gql' },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string' },
        skipTypename: false,
        avoidOptionals: false,
        documentMode: 'documentNode',
      },
    },
  },
  hooks: {},
};

export default config;
