// Compiles apps/bench/src/**/*.ts (not specs) once into apps/bench/.cache/src with
// @swc/core, so the runner, its worker processes and the baseline servers start
// from plain JavaScript instead of each loading a TypeScript hook.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts')) yield p;
  }
}

/** Returns the compiled src directory; only changed files are recompiled. */
export function compileBench() {
  const { transformFileSync } = require('@swc/core');
  const srcDir = path.join(here, 'src');
  const outDir = path.join(here, '.cache', 'src');
  for (const file of tsFiles(srcDir)) {
    // .cjs keeps ESLint (which ignores *.cjs) off the output; relative requires get the extension too.
    const out = path.join(outDir, path.relative(srcDir, file)).replace(/\.ts$/, '.cjs');
    let fresh = false;
    try {
      fresh = statSync(out).mtimeMs >= statSync(file).mtimeMs;
    } catch {
      fresh = false;
    }
    if (fresh) continue;
    const { code: raw } = transformFileSync(file, {
      ...SWC_OPTIONS,
      filename: file,
      swcrc: false,
      configFile: false,
    });
    const code = raw.replace(/require\("(\.{1,2}\/[^"]+)"\)/g, (_, spec) => {
      const isDir = existsSync(path.join(path.dirname(file), spec, 'index.ts'));
      return `require("${spec}${isDir ? '/index' : ''}.cjs")`;
    });
    mkdirSync(path.dirname(out), { recursive: true });
    // Write then rename, so a concurrent run never loads a half-written file.
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, out);
  }
  return outDir;
}
