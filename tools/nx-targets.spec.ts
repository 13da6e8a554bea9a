// The Nx targets cover the workspace: every spec file is run by a test or e2e target (so
// `nx run-many -t test` and `npm test` miss nothing), every project is linted and type-checked,
// and the e2e targets build the API they run against.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandsOf, NxProject, projectGraph } from './nx-graph';

const root = path.join(__dirname, '..');

function files(dir: string, test: (name: string) => boolean): string[] {
  return readdirSync(path.join(root, dir)).flatMap((entry) => {
    const rel = path.posix.join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(path.join(root, rel)).isDirectory()) return files(rel, test);
    return test(entry) ? [rel] : [];
  });
}

/** The project that owns a file: the one with the deepest root containing it. */
function owner(projects: NxProject[], file: string): NxProject {
  const containing = projects.filter((p) => p.root === '.' || file.startsWith(`${p.root}/`));
  return containing.sort((a, b) => b.root.length - a.root.length)[0]!;
}

describe('Nx targets', () => {
  let projects: NxProject[];
  beforeAll(() => {
    projects = projectGraph(root);
  });
  const named = (name: string) => projects.find((p) => p.name === name)!;

  it('every spec file is run by the test or e2e target of the project that owns it', () => {
    // The include globs of vitest.config.ts (unit, web, api-e2e).
    const specs = ['libs', 'apps', 'tools'].flatMap((dir) =>
      files(dir, (name) => /\.spec\.tsx?$/.test(name)),
    );
    expect(specs.length).toBeGreaterThan(50);
    for (const spec of specs) {
      const project = owner(projects, spec);
      const vitestProject = spec.startsWith('apps/web/')
        ? 'web'
        : spec.startsWith('apps/api-e2e/')
          ? 'api-e2e'
          : 'unit';
      const target = vitestProject === 'api-e2e' ? 'e2e' : 'test';
      const command = commandsOf(project.targets[target]).join(' && ');
      expect(command, `${spec} (${project.name}:${target})`).toContain(
        `vitest run --project ${vitestProject}`,
      );
      if (vitestProject === 'unit') {
        const filter = project.root === '.' ? 'tools/' : `${project.root}/`;
        expect(command, spec).toContain(` ${filter} `);
        expect(spec.startsWith(filter), spec).toBe(true);
      }
      expect(project.targets[target]?.outputs, spec).toContain(
        `{workspaceRoot}/dist/test-results/{projectName}.json`,
      );
    }
  });

  it('every project is linted, and every project with TypeScript sources is type-checked', () => {
    for (const project of projects) {
      expect(project.targets.lint, project.name).toBeDefined();
      const hasTs =
        project.root !== '.' &&
        files(project.root, (name) => /\.tsx?$/.test(name)).some((f) => !f.includes('/dist/'));
      if (hasTs) {
        expect(commandsOf(project.targets.typecheck), project.name).toEqual([
          `tsc -p ${project.root}/tsconfig.json --noEmit`,
        ]);
      }
    }
    expect(commandsOf(named('workspace').targets.typecheck)).toEqual([
      'tsc -p tools/tsconfig.json --noEmit',
    ]);
  });

  it('the e2e targets and the bench smoke build the API (and the web app) first', () => {
    for (const [name, needs] of [
      ['api-e2e', ['api']],
      ['web-e2e', ['api', 'web']],
      ['bench', ['api']],
    ] as const) {
      const project = named(name);
      const target = project.targets.e2e ?? project.targets.smoke;
      expect(target?.dependsOn, name).toContain('^build');
      for (const dependency of needs) expect(project.dependencies, name).toContain(dependency);
    }
    // The API's build compiles every server library it imports into dist/api.
    for (const dependency of named('api').dependencies) {
      const build = named(dependency).targets.build;
      if (build)
        expect(build.outputs, dependency).toEqual(['{workspaceRoot}/dist/api/{projectRoot}']);
    }
    expect(named('api').targets.build?.dependsOn).toEqual(['^build', 'build-playground']);
  });
});
