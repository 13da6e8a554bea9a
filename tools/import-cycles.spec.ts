import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCycles } from './import-cycles';

const root = path.join(__dirname, '..');

describe('module import cycles', () => {
  it('apps/bench has none (the protocol clients and their factory were one)', () => {
    expect(importCycles(path.join(root, 'apps/bench/src'))).toEqual([]);
  });

  it('apps/web has none (the chat list page size lives apart from the chat shell)', () => {
    expect(importCycles(path.join(root, 'apps/web/src'))).toEqual([]);
  });

  it('no project has any', () => {
    const projects = ['apps', 'libs'].flatMap((group) =>
      readdirSync(path.join(root, group))
        .map((name) => path.join(root, group, name, 'src'))
        .filter((src) => existsSync(src)),
    );
    expect(projects.length).toBeGreaterThan(10);
    const found = projects.flatMap((src) =>
      importCycles(src).map((cycle) => `${path.relative(root, src)}: ${cycle.join(' -> ')}`),
    );
    expect(found).toEqual([]);
  });

  const scratch = mkdtempSync(path.join(tmpdir(), 'chatter-cycles-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    writeFileSync(path.join(scratch, file), text);
  };

  it('finds a runtime cycle and ignores type-only imports', () => {
    write('clients/contract.ts', "import { A } from './a';\nexport const make = () => new A();\n");
    write('clients/a.ts', "import { helper } from './contract';\nexport class A {}\nhelper;\n");
    write('types/x.ts', "import type { Y } from './y';\nexport interface X { y: Y }\n");
    write('types/y.ts', "import type { X } from './x';\nexport interface Y { x?: X }\n");
    write('main.ts', "import { make } from './clients/contract';\nimport './types/x';\nmake();\n");
    expect(importCycles(scratch)).toEqual([['clients/a.ts', 'clients/contract.ts']]);
  });
});
