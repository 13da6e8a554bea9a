import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
let eslint: ESLint;

// The Nx boundary rule reads the cached project graph; compute it first, as `npm run lint` does.
beforeAll(() => {
  execSync('npx nx show projects', {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  eslint = new ESLint({ cwd: root });
}, 120_000);

// The first lint loads the configuration, the plugins and the project graph (about a minute on a
// busy machine): done once here, so each case below times only its own lint.
beforeAll(async () => {
  await eslint.lintText('export {};\n', {
    filePath: join(root, 'libs/core/src/fixture-warm-up.ts'),
  });
}, 240_000);

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
    .map((m) => m.message);
}

const violation = /can only depend on|not allowed to import|Circular dependency/;

describe('module boundaries (ARCHITECTURE.md) fail the lint', () => {
  it('core may not import an adapter', async () => {
    const errors = await boundaryErrors(
      'libs/core/src/fixture-violation.ts',
      "import { SqliteStore } from '@chatter/store-sqlite';\nexport const x = SqliteStore;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(violation);
  }, 60_000);

  it('core may not import a framework', async () => {
    const errors = await boundaryErrors(
      'libs/core/src/fixture-violation.ts',
      "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
    );
    expect(errors).toEqual([expect.stringContaining('is not allowed to import "@nestjs/common"')]);
  }, 60_000);

  it('adapters may not import other adapters or the GraphQL layer', async () => {
    for (const lib of ['@chatter/store-sqlite', '@chatter/graphql']) {
      const errors = await boundaryErrors(
        'libs/store-mongo/src/fixture-violation.ts',
        `import * as other from '${lib}';\nexport const x = other;\n`,
      );
      expect(errors, lib).toEqual([
        expect.stringMatching(/type:adapter" can only depend on libs tagged with "type:domain"/),
      ]);
    }
  }, 60_000);

  it('the web app may import only the typed client', async () => {
    const errors = await boundaryErrors(
      'apps/web/src/fixture-violation.ts',
      "import { newId } from '@chatter/core';\nexport const x = newId;\n",
    );
    expect(errors.join('\n')).toMatch(violation);
    expect(
      await boundaryErrors(
        'apps/web/src/fixture-ok.ts',
        "import * as client from '@chatter/client';\nexport const x = client;\n",
      ),
    ).toEqual([]);
  }, 60_000);

  it('the SDK may import only the typed client, and apps and e2e may use the SDK', async () => {
    for (const lib of ['@chatter/core', '@chatter/graphql', '@chatter/testing']) {
      const errors = await boundaryErrors(
        'libs/sdk/src/fixture-violation.ts',
        `import * as other from '${lib}';\nexport const x = other;\n`,
      );
      expect(errors.join('\n'), lib).toMatch(violation);
    }
    for (const file of ['libs/sdk/src/fixture-ok.ts', 'apps/web/src/fixture-ok.ts']) {
      const target = file.startsWith('libs/sdk') ? '@chatter/client' : '@chatter/sdk';
      expect(
        await boundaryErrors(file, `import * as ok from '${target}';\nexport const x = ok;\n`),
        file,
      ).toEqual([]);
    }
    expect(
      await boundaryErrors(
        'apps/api-e2e/src/fixture-ok.spec.ts',
        "import * as sdk from '@chatter/sdk';\nexport const x = sdk;\n",
      ),
    ).toEqual([]);
  }, 60_000);

  it('the composition root may wire adapters', async () => {
    expect(
      await boundaryErrors(
        'apps/api/src/fixture-ok.ts',
        "import { SqliteStore } from '@chatter/store-sqlite';\nexport const x = SqliteStore;\n",
      ),
    ).toEqual([]);
  }, 60_000);
});

describe('module import cycles fail the lint', () => {
  const cycleErrors = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(root, file) });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-cycle');
  };

  it('a module importing one that imports it back', async () => {
    // sidebar.tsx imports conversations-page.ts; this version of the latter imports the sidebar.
    const code =
      "import { Sidebar } from './sidebar';\nexport const CONVERSATIONS_PAGE = 50;\nexport const s = Sidebar;\n";
    const errors = await cycleErrors('apps/web/src/chat/conversations-page.ts', code);
    expect(errors.map((e) => e.message)).toEqual(['Dependency cycle detected']);
  }, 60_000);

  it('not a type-only import back', async () => {
    const code =
      "import type { Sidebar } from './sidebar';\nexport const CONVERSATIONS_PAGE = 50;\nexport type S = typeof Sidebar;\n";
    expect(await cycleErrors('apps/web/src/chat/conversations-page.ts', code)).toEqual([]);
  }, 60_000);
});
