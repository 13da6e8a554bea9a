#!/usr/bin/env node
// Fails when libs/client/src/generated/ is not what `npm run codegen` produces from the
// committed schema.graphql and documents: regenerates into a temp folder and compares.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const committed = path.join(root, 'libs/client/src/generated');
const temp = mkdtempSync(path.join(tmpdir(), 'chatter-codegen-'));

try {
  const bin = path.join(root, 'node_modules/.bin/graphql-codegen');
  const run = spawnSync(bin, ['--config', path.join(root, 'libs/client/codegen.ts')], {
    cwd: root,
    env: { ...process.env, CHATTER_CODEGEN_OUT: temp },
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.error('check-codegen: graphql-codegen failed:\n' + (run.stderr || run.stdout));
    process.exit(1);
  }
  const list = (dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => !f.startsWith('.'))
          .sort()
      : [];
  const expected = list(temp);
  const actual = list(committed);
  const problems = [];
  for (const f of new Set([...expected, ...actual])) {
    if (!expected.includes(f)) problems.push(`${f}: committed but no longer generated`);
    else if (!actual.includes(f)) problems.push(`${f}: generated but not committed`);
    else if (
      readFileSync(path.join(temp, f), 'utf8') !== readFileSync(path.join(committed, f), 'utf8')
    )
      problems.push(`${f}: differs from a fresh generation`);
  }
  if (problems.length) {
    console.error(
      'check-codegen: libs/client/src/generated/ is stale. Run `npm run codegen` and commit the result.',
    );
    for (const p of problems) console.error('  - ' + p);
    process.exit(1);
  }
  console.log(
    `check-codegen: libs/client/src/generated/ is up to date (${expected.length} files).`,
  );
} finally {
  rmSync(temp, { recursive: true, force: true });
}
