#!/usr/bin/env node
// Builds Chatter: the API (TypeScript → CommonJS with SWC, path aliases rewritten), the web
// app and the offline playground (Vite). Output: dist/api, apps/web/dist, dist/playground.
//
//   node scripts/build.mjs                      everything, from scratch
//   node scripts/build.mjs api web playground   some parts (api = every server project)
//   node scripts/build.mjs --project libs/core  one server project into dist/api/libs/core
//
// `npm run build` builds through Nx (`nx run-many -t build`), which runs `--project` for each
// server library and apps/api, and skips the ones whose sources did not change.
import { transformFile } from '@swc/core';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'api');
const args = process.argv.slice(2);
const projectFlag = args.indexOf('--project');
const project = projectFlag >= 0 ? args[projectFlag + 1] : undefined;
const only = projectFlag >= 0 ? [] : args;
const want = (part) => project === undefined && (only.length === 0 || only.includes(part));

const SERVER_SOURCES = [
  'apps/api/src',
  'libs/core/src',
  'libs/graphql/src',
  'libs/store-sqlite/src',
  'libs/store-mongo/src',
  'libs/bus-nats/src',
  'libs/bus-redis/src',
  'libs/sms/src',
  'libs/oidc/src',
  'libs/push/src',
  'libs/storage/src',
];

function* tsFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) yield* tsFiles(full);
    else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts') && !entry.endsWith('.d.ts'))
      yield full;
  }
}

/** Compiles the TypeScript sources of `dirs` (relative to the root) into dist/api/<dir>. */
async function compile(dirs) {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  const paths = compilerOptions.paths;
  let count = 0;
  const jobs = [];
  for (const dir of dirs) {
    for (const file of tsFiles(join(root, dir))) {
      jobs.push(
        transformFile(file, {
          swcrc: false,
          sourceMaps: true,
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: {
              legacyDecorator: true,
              decoratorMetadata: true,
              useDefineForClassFields: false,
            },
            target: 'es2022',
            keepClassNames: true,
            baseUrl: root,
            paths,
          },
          module: { type: 'commonjs' },
        }).then(({ code, map }) => {
          const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
          if (map) writeFileSync(`${target}.map`, map);
          count++;
        }),
      );
    }
  }
  await Promise.all(jobs);
  return count;
}

/** The web app's persisted-documents manifest (npm run codegen), shipped beside the API. */
const MANIFEST = 'libs/client/src/generated/persisted-documents.json';

function writeEntry() {
  mkdirSync(out, { recursive: true });
  // TRUSTED_DOCUMENTS=on runs what this lists; the image ships dist/ only.
  copyFileSync(join(root, MANIFEST), join(out, 'persisted-documents.json'));
  writeFileSync(
    join(out, 'main.js'),
    "'use strict';\n// Entry point: node dist/api/main.js\nrequire('./apps/api/src/main.js').run().catch((error) => {\n  process.stderr.write(`Chatter failed to start: ${error && error.message ? error.message : String(error)}\\n`);\n  process.exit(1);\n});\n",
  );
}

async function buildApi() {
  const started = Date.now();
  rmSync(out, { recursive: true, force: true });
  const count = await compile(SERVER_SOURCES);
  writeEntry();
  console.log(`api: ${count} files compiled in ${Date.now() - started} ms → dist/api`);
}

/** One server project (an Nx project root such as libs/core or apps/api) into dist/api/<root>. */
async function buildProject(projectRoot) {
  const sources = `${projectRoot.replace(/\/+$/, '')}/src`;
  if (!SERVER_SOURCES.includes(sources)) {
    console.error(
      `build: ${projectRoot} is not a server project (${SERVER_SOURCES.map((s) => s.replace(/\/src$/, '')).join(', ')})`,
    );
    process.exit(1);
  }
  const started = Date.now();
  rmSync(join(out, projectRoot), { recursive: true, force: true });
  const count = await compile([sources]);
  if (sources === 'apps/api/src') writeEntry();
  console.log(
    `${projectRoot}: ${count} files compiled in ${Date.now() - started} ms → dist/api/${projectRoot}`,
  );
}

function vite(config, label) {
  if (!existsSync(join(root, config))) {
    console.log(`${label}: ${config} not found, skipped`);
    return;
  }
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      config,
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) {
    console.error(`${label}: build failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`${label}: built`);
}

if (project !== undefined) await buildProject(project);
if (want('api')) await buildApi();
if (want('web')) vite('apps/web/vite.config.ts', 'web');
if (want('playground')) vite('apps/api/playground/vite.config.ts', 'playground');
