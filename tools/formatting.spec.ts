// `npm run lint` enforces Prettier: every Nx project's lint target checks the project's files
// and the workspace project checks everything else, so a formatting difference anywhere fails
// lint (and therefore `npm test` and CI).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandsOf, projectGraph } from './nx-graph';

const root = join(__dirname, '..');
const prettier = join(root, 'node_modules/prettier/bin/prettier.cjs');

describe('formatting is part of lint', () => {
  it('npm run lint runs every project lint target through Nx', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.lint).toBe('nx run-many -t lint');
  });

  it("every project's lint target runs prettier --check over the project, the workspace over the rest", () => {
    const projects = projectGraph(root);
    expect(projects.length).toBeGreaterThan(10);
    for (const { name, root: projectRoot, targets } of projects) {
      const commands = commandsOf(targets.lint);
      if (projectRoot === '.') {
        expect(commands, name).toContain("prettier --check . '!apps/**' '!libs/**'");
        continue;
      }
      expect(projectRoot, name).toMatch(/^(apps|libs)\//);
      expect(commands, name).toContain(`prettier --check ${projectRoot}`);
    }
    // ... and every folder under apps/ and libs/ is a project, so nothing there goes unchecked.
    const roots = new Set(projects.map((p) => p.root));
    for (const dir of ['apps', 'libs']) {
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        if (entry.isDirectory())
          expect(roots.has(`${dir}/${entry.name}`), `${dir}/${entry.name}`).toBe(true);
      }
    }
  });

  const scratch = mkdtempSync(join(tmpdir(), 'chatter-format-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the check fails on a formatting difference with the workspace settings, and passes once formatted', () => {
    for (const file of ['.prettierrc.json', '.prettierignore'])
      copyFileSync(join(root, file), join(scratch, file));
    mkdirSync(join(scratch, 'src'));
    const fixture = join(scratch, 'src/fixture.ts');
    // Double quotes and a missing trailing comma break the workspace's settings.
    writeFileSync(
      fixture,
      'export const greeting = {\n  text: "hello",\n  to: [\n    "world"\n  ]\n};\n',
    );
    const check = () =>
      spawnSync(process.execPath, [prettier, '--check', 'src'], { cwd: scratch, encoding: 'utf8' });

    const before = check();
    expect(before.status).not.toBe(0);
    expect(before.stdout + before.stderr).toContain('src/fixture.ts');

    spawnSync(process.execPath, [prettier, '--write', 'src'], { cwd: scratch });
    expect(readFileSync(fixture, 'utf8')).toBe(
      "export const greeting = {\n  text: 'hello',\n  to: ['world'],\n};\n",
    );
    expect(check().status).toBe(0);
  });
});
