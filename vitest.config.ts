import { defineConfig } from 'vitest/config';
import swc from 'unplugin-swc';
import path from 'node:path';

const root = import.meta.dirname;
const libs = [
  'core',
  'graphql',
  'store-sqlite',
  'store-mongo',
  'bus-nats',
  'bus-redis',
  'testing',
  'client',
  'sms',
  'push',
  'storage',
  'sdk',
  'oidc',
];
const alias = Object.fromEntries([
  ['@chatter/sdk/node', path.join(root, 'libs/sdk/src/node.ts')],
  ...libs.map((l) => [`@chatter/${l}`, path.join(root, `libs/${l}/src/index.ts`)]),
]);
// One graphql instance in Node specs: the one NestJS and graphql-ws load (CommonJS), as in the built API.
const nodeAlias = [
  ...Object.entries(alias).map(([find, replacement]) => ({ find, replacement })),
  { find: /^graphql$/, replacement: path.join(root, 'node_modules/graphql/index.js') },
];

// SWC keeps decorator metadata, which NestJS dependency injection and code-first GraphQL need.
const nodeProject = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  plugins: [
    swc.vite({
      tsconfigFile: false,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: {
          legacyDecorator: true,
          decoratorMetadata: true,
          useDefineForClassFields: false,
        },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'es6' },
    }),
  ],
  resolve: { alias: nodeAlias },
  test: { name, include, environment: 'node', testTimeout: 30_000, hookTimeout: 60_000, ...extra },
});

export default defineConfig({
  test: {
    projects: [
      nodeProject('unit', [
        'libs/*/src/**/*.spec.ts',
        'apps/api/src/**/*.spec.ts',
        'apps/bench/src/**/*.spec.ts',
        'tools/**/*.spec.ts',
      ]),
      // Two files at a time: each file's API runs in a process of its own, so a file mostly
      // waits (API start, network), and two share a 2-core machine without starving each other.
      nodeProject('api-e2e', ['apps/api-e2e/src/**/*.spec.ts'], {
        testTimeout: 60_000,
        maxWorkers: 2,
        setupFiles: ['apps/api-e2e/src/support/crash-watch.setup.ts'],
      }),
      {
        resolve: { alias },
        test: { name: 'web', include: ['apps/web/src/**/*.spec.{ts,tsx}'], environment: 'jsdom' },
      },
    ],
  },
});
