#!/usr/bin/env node
// `npm test`: every check and test suite of Chatter, in order, with a summary at the end.
// It installs missing npm dependencies and (as root) missing Debian packages first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages, ensureNodeModules } from './ensure-deps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
ensureNodeModules(root);
if (!ensureDebianPackages() && process.env.CI === 'true') process.exit(1);

const reports = mkdtempSync(join(tmpdir(), 'chatter-test-'));
const results = [];
let passedTests = 0;
let failedTests = 0;
let skippedTests = 0;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: process.env.FORCE_COLOR ?? '1' };

function step(name, command, args, options = {}) {
  if (only.length > 0 && !only.includes(name)) return;
  console.log(`\n━━ ${name} ━━ ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...env, ...(options.env ?? {}) } });
  const ok = r.status === 0;
  results.push({ name, ok, seconds: Math.round((Date.now() - started) / 100) / 10 });
  if (options.counts) {
    try {
      const json = JSON.parse(readFileSync(options.counts, 'utf8'));
      passedTests += json.numPassedTests ?? 0;
      failedTests += json.numFailedTests ?? 0;
      skippedTests += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    } catch {
      if (!ok) failedTests += 1;
    }
  } else if (!ok) {
    failedTests += 1;
  } else {
    passedTests += 1;
  }
}

const vitest = (project, extra = []) => {
  const out = join(reports, `${project}.json`);
  step(`test:${project}`, process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra], { counts: out });
};

step('build', process.execPath, [join(root, 'scripts/build.mjs')]);
step('lint', 'sh', ['-c', 'npx nx show projects >/dev/null && npx eslint . --max-warnings=0']);
step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('schema-drift', process.execPath, [join(root, 'scripts/schema.mjs'), '--check']);
if (existsSync(join(root, 'scripts/check-codegen.mjs'))) step('codegen-drift', process.execPath, [join(root, 'scripts/check-codegen.mjs')]);
if (existsSync(join(root, 'apps/web/tsconfig.json'))) step('typecheck:web', 'npx', ['tsc', '-p', 'apps/web/tsconfig.json', '--noEmit']);
vitest('unit');
vitest('web');
vitest('api-e2e');
if (existsSync(join(root, 'apps/web-e2e/run.mjs'))) step('web-e2e', process.execPath, [join(root, 'apps/web-e2e/run.mjs')]);
if (existsSync(join(root, 'apps/bench/run.mjs'))) step('bench-smoke', process.execPath, [join(root, 'apps/bench/run.mjs'), '--smoke']);

// Hardening and fault suites: what was tried and what survived (their tests assert 0 lost and
// 0 duplicated for every client, so a passing file means exactly that).
try {
  const report = JSON.parse(readFileSync(join(reports, 'api-e2e.json'), 'utf8'));
  const rows = report.testResults
    .filter((f) => /apps\/api-e2e\/src\/(hardening|cluster|realtime)\//.test(f.name))
    .map((f) => {
      const results = f.assertionResults ?? [];
      const passed = results.filter((r) => r.status === 'passed').length;
      const failed = results.filter((r) => r.status === 'failed').length;
      const guarantees = passed + failed === 0 ? 'skipped' : /faults|cluster|chat-events/.test(f.name) ? (failed ? 'see failures' : '0 / 0') : '–';
      return `| ${f.name.replace(`${root}/`, '')} | ${results.length} | ${passed} | ${failed} | ${guarantees} |`;
    });
  if (rows.length > 0) {
    console.log('\n━━ hardening and faults ━━');
    console.log('| suite | cases | passed | failed | lost / duplicated |\n| --- | --- | --- | --- | --- |');
    for (const row of rows) console.log(row);
  }
} catch {
  // api-e2e did not run (or wrote no report): nothing to summarise
}

console.log('\n━━ summary ━━');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(16)} ${r.seconds}s`);
const failedSteps = results.filter((r) => !r.ok).length;
console.log(`${passedTests} passed, ${failedTests} failed, ${skippedTests} skipped`);
process.exit(failedSteps > 0 ? 1 : 0);
