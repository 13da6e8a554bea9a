#!/usr/bin/env node
// `npm test`: every check and test suite of Chatter, in order, with a summary at the end.
// It installs missing npm dependencies and (as root) missing Debian packages first.
//
// Checks and suites run as Nx tasks (see nx.json and each project.json), so a task whose inputs
// did not change since a run on this machine is replayed from the local Nx cache, test report
// included. With CI=true or --fresh the run uses an empty cache: nothing is skipped.
// `node scripts/test.mjs lint test:unit` runs only the named steps.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages, ensureNodeModules, ensureSqliteDriver } from './ensure-deps.mjs';
import { otherNodeVersions, prepareNode } from './node-lts.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fresh = process.argv.includes('--fresh') || process.env.CI === 'true';
const only = process.argv.slice(2).filter((a) => a !== '--fresh');
ensureNodeModules(root);
ensureSqliteDriver(root); // on failure it says why; the suites that need SQLite then fail
if (!ensureDebianPackages() && process.env.CI === 'true') process.exit(1);

/**
 * Other Node.js LTS versions to run the unit and API suites on as well (every step runs on this
 * Node.js): by default the newest LTS, 24; CHATTER_TEST_NODE_VERSIONS=22,24 adds 22, and an empty
 * CHATTER_TEST_NODE_VERSIONS= skips the pass.
 */
const OTHER_NODE_VERSIONS = otherNodeVersions(process.env, process.versions.node.split('.')[0]);
/**
 * On the other Node.js versions the unit suite runs whole; of the API suites, by default the ones
 * that load every native module and runtime feature the server uses (SQLite driver, sharp,
 * WebSockets, crypto and fetch in sign-in; the Redis and NATS clients and the MongoDB driver in
 * the main cluster suite), which keeps CI under its time budget.
 * CHATTER_TEST_NODE_LTS_FULL=1 (`npm run test:node-lts`) runs them all.
 */
const OTHER_NODE_API_FOLDERS =
  process.env.CHATTER_TEST_NODE_LTS_FULL === '1'
    ? []
    : ['realtime/', 'identity/', 'media/', 'sdk/', 'cluster/cluster.spec.ts'].map(
        (f) => `apps/api-e2e/src/${f}`,
      );

const freshCache = fresh ? mkdtempSync(join(tmpdir(), 'chatter-nx-cache-')) : undefined;
const reports = join(root, 'dist/test-results');
const otherReports = mkdtempSync(join(tmpdir(), 'chatter-test-'));
rmSync(reports, { recursive: true, force: true });
const results = [];
let passedTests = 0;
let failedTests = 0;
let skippedTests = 0;
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  FORCE_COLOR: process.env.FORCE_COLOR ?? '1',
  // A fresh run must not replay anything: it gets a cache of its own, shared by its steps only.
  ...(freshCache ? { NX_CACHE_DIRECTORY: freshCache } : {}),
};
const nx = join(root, 'node_modules/nx/dist/bin/nx.js');

/** What failed, file by file, repeated at the very end (a CI log is often read from its tail). */
const failures = [];
const firstLines = (text, n = 6) => String(text).split('\n').slice(0, n).join('\n    ');

/** Notes a report's failed files: a suite-level error (e.g. a crash in teardown) or failed tests. */
function noteFailures(report, json) {
  for (const file of json.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((r) => r.status === 'failed');
    if (file.status !== 'failed' && failedTests.length === 0) continue;
    const name = `${report.replace(/.*\//, '')}: ${String(file.name).replace(`${root}/`, '')}`;
    if (failedTests.length === 0) failures.push(`${name}\n    ${firstLines(file.message ?? '')}`);
    for (const t of failedTests.slice(0, 3))
      failures.push(
        `${name} › ${t.fullName ?? t.title}\n    ${firstLines(t.failureMessages?.[0] ?? '')}`,
      );
  }
}

/** Adds the counts of a vitest JSON report; a missing or unreadable report counts as one failure. */
function count(report) {
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    noteFailures(report, json);
    passedTests += json.numPassedTests ?? 0;
    failedTests += json.numFailedTests ?? 0;
    skippedTests += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    return json.numFailedTests === 0 && json.success !== false;
  } catch {
    failedTests += 1;
    return false;
  }
}

/** Runs one step; `reportsOf` names the vitest reports it writes (counted test by test). */
function step(name, command, args, options = {}) {
  if (only.length > 0 && !only.includes(name)) return;
  console.log(`\n━━ ${name} ━━ ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: options.env ?? env });
  let ok = r.status === 0;
  const failuresBefore = failures.length;
  if (options.reportsOf) {
    for (const report of options.reportsOf()) ok = count(report) && ok;
  } else if (!ok) {
    failedTests += 1;
  } else {
    passedTests += 1;
  }
  // A step can fail with every test passing (a project with no spec file, a crash outside a
  // test, a lint error): say so, so that the end of the log never shows a failure with no cause.
  if (!ok && failures.length === failuresBefore)
    failures.push(
      `${name}: exited with status ${r.status ?? r.signal} and no failed test in its reports; ` +
        'the cause is in this step\'s log above (Nx lists it under "Failed tasks")',
    );
  results.push({ name, ok, seconds: Math.round((Date.now() - started) / 100) / 10 });
}

const nxStep = (name, args, reportsOf) =>
  step(name, process.execPath, [nx, ...args, '--output-style=static'], { reportsOf });

/** Nx projects that have a target, as the project graph says. */
function projectsWith(target) {
  const r = spawnSync(
    process.execPath,
    [nx, 'show', 'projects', '--with-target', target, '--json'],
    { cwd: root, env, encoding: 'utf8' },
  );
  return r.status === 0 ? JSON.parse(r.stdout) : [];
}
const report = (project) => join(reports, `${project}.json`);

nxStep('build', ['run-many', '-t', 'build']);
nxStep('lint', ['run-many', '-t', 'lint']);
nxStep('typecheck', ['run-many', '-t', 'typecheck']);
nxStep('schema-drift', ['run', 'api:schema-check']);
nxStep('codegen-drift', ['run', 'client:codegen-check']);
nxStep('test:unit', ['run-many', '-t', 'test', '--exclude=web'], () =>
  projectsWith('test')
    .filter((p) => p !== 'web')
    .map(report),
);
nxStep('test:web', ['run', 'web:test'], () => [report('web')]);
nxStep('test:api-e2e', ['run', 'api-e2e:e2e'], () => [report('api-e2e')]);
nxStep('web-e2e', ['run', 'web-e2e:e2e']);
nxStep('sdk-browser-example', ['run', 'web-e2e:sdk-example']);
nxStep('sdk-node-bot-example', ['run', 'web-e2e:node-bot-example']);
nxStep('lighthouse', ['run', 'web-e2e:lighthouse']);
nxStep('bench-smoke', ['run', 'bench:smoke']);
// The real Dockerfile, built with podman on a locally built base image and run read-only as a
// non-root user (scripts/container-test.mjs). The base image and the build layers are cached
// (~/.cache/chatter-container, podman's store), so later runs rebuild only what changed.
step('container', process.execPath, [join(root, 'scripts/container-test.mjs')]);

// The unit and API suites again on the other supported Node.js LTS versions (fetched from the npm
// registry on first use, with better-sqlite3 compiled for each into a file of its own, named to
// the run in CHATTER_SQLITE_BINDING; see scripts/node-lts.mjs). They run outside the Nx cache and
// against dist/api as built above.
for (const major of OTHER_NODE_VERSIONS) {
  const names = [`test:unit@node${major}`, `test:api-e2e@node${major}`];
  if (only.length > 0 && !names.some((n) => only.includes(n))) continue;
  let node;
  const started = Date.now();
  try {
    node = prepareNode(major, env);
  } catch (error) {
    console.error(`Node.js ${major}: ${error instanceof Error ? error.message : String(error)}`);
    results.push({ name: `node${major}`, ok: false, seconds: 0 });
    failedTests += 1;
    continue;
  }
  results.push({
    name: `node${major} ready`,
    ok: true,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  });
  for (const project of ['unit', 'api-e2e']) {
    const out = join(otherReports, `${project}-node${major}.json`);
    step(
      `test:${project}@node${major}`,
      node.nodeBin,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--project',
        project,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${out}`,
        ...(project === 'api-e2e' ? OTHER_NODE_API_FOLDERS : []),
      ],
      { env: node.env, reportsOf: () => [out] },
    );
  }
}

// Hardening and fault suites: what was tried and what survived (their tests assert 0 lost and
// 0 duplicated for every client, so a passing file means exactly that).
try {
  const apiReport = JSON.parse(readFileSync(report('api-e2e'), 'utf8'));
  const rows = apiReport.testResults
    .filter((f) => /apps\/api-e2e\/src\/(hardening|cluster|realtime)\//.test(f.name))
    .map((f) => {
      const results = f.assertionResults ?? [];
      const passed = results.filter((r) => r.status === 'passed').length;
      const failed = results.filter((r) => r.status === 'failed').length;
      const guarantees =
        passed + failed === 0
          ? 'skipped'
          : /faults|cluster|chat-events/.test(f.name)
            ? failed
              ? 'see failures'
              : '0 / 0'
            : '–';
      return `| ${f.name.replace(`${root}/`, '')} | ${results.length} | ${passed} | ${failed} | ${guarantees} |`;
    });
  if (rows.length > 0) {
    console.log('\n━━ hardening and faults ━━');
    console.log(
      '| suite | cases | passed | failed | lost / duplicated |\n| --- | --- | --- | --- | --- |',
    );
    for (const row of rows) console.log(row);
  }
} catch {
  // api-e2e did not run (or wrote no report): nothing to summarise
}

if (failures.length > 0) {
  console.log('\n━━ what failed ━━');
  for (const f of failures.slice(0, 20)) console.log(`✗ ${f}`);
}

console.log('\n━━ summary ━━');
for (const r of results)
  console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(22)} ${r.seconds}s`);
rmSync(otherReports, { recursive: true, force: true });
if (freshCache) rmSync(freshCache, { recursive: true, force: true });
const failedSteps = results.filter((r) => !r.ok).length;
console.log(`${passedTests} passed, ${failedTests} failed, ${skippedTests} skipped`);
process.exit(failedSteps > 0 ? 1 : 0);
