// Chatter lint: TypeScript rules, Prettier compatibility and the architecture's module boundaries.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

const frameworkImports = [
  '@nestjs/*',
  '@apollo/*',
  'graphql',
  'graphql-*',
  'mongoose',
  'better-sqlite3',
  'ioredis',
  'nats',
  'ws',
  'pino',
  'react',
  'express',
];

/** The architecture's rules (ARCHITECTURE.md, "Layout"). */
const depConstraints = [
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain'],
    bannedExternalImports: frameworkImports,
  },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:graphql', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:client', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:client'] },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:graphql', 'type:client'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:testing', 'type:client', 'type:sdk', 'type:domain'],
  },
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:testing', 'type:client'] },
  { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:client', 'type:sdk'] },
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
  { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.cache/**',
      'data/**',
      'tmp/**',
      'libs/client/src/generated/**',
      'apps/bench/results/**',
      '**/*.mjs',
      '**/*.cjs',
      '**/vite.config.ts',
      '**/vitest.config.ts',
      'vitest.workspace.ts',
      'libs/client/codegen.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The runnable examples are plain Node.js scripts.
    files: ['examples/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // Fixture paths are linted from memory by tools/module-boundaries.spec.ts.
        projectService: {
          allowDefaultProject: ['libs/*/src/fixture-*.ts', 'apps/*/src/fixture-*.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // No module import cycles: a cycle makes the evaluation order (and what is still undefined
    // while a module runs) depend on which file is loaded first. `import type` is no edge.
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: `${import.meta.dirname}/tsconfig.base.json` }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Specs may use the shared contract suites and test-service harness.
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/*.test.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: depConstraints.map((c) =>
            c.onlyDependOnLibsWithTags
              ? {
                  ...c,
                  onlyDependOnLibsWithTags: [
                    ...c.onlyDependOnLibsWithTags,
                    'type:testing',
                    'type:adapter',
                  ],
                }
              : c,
          ),
        },
      ],
    },
  },
  {
    // The workspace checks (Nx project "workspace", root ".") test the README and the deployment
    // files against the API's own configuration reference, which no library exports,
    files: ['tools/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [
            '../apps/api/src/platform/config/*',
            '../../apps/api/src/platform/config/*',
            // and the web build's plugins (plain functions over the generated client).
            '../apps/web/build/*',
          ],
          depConstraints,
        },
      ],
    },
  },
  {
    files: ['apps/web/**/*.tsx', 'apps/web/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  prettier,
);
