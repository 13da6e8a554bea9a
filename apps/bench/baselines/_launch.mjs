// Shared by the baseline launchers: load the baseline from the bench's compiled
// output when the runner provides it (BENCH_COMPILED_DIR), else from TypeScript via
// @swc-node/register. Falls back to the bench's stand-in modules only for packages
// that are not installed.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const require = createRequire(path.join(root, 'package.json'));

export function launch(entry) {
  try {
    require.resolve('@as-integrations/express5');
  } catch {
    // NODE_PATH is read at startup; Module._initPaths re-reads it for this process.
    process.env.NODE_PATH = [path.join(here, 'fallback-modules'), process.env.NODE_PATH]
      .filter(Boolean)
      .join(path.delimiter);
    require('node:module').Module._initPaths();
    process.env.BENCH_EXPRESS5_FALLBACK = '1';
  }
  const compiled =
    process.env.BENCH_COMPILED_DIR &&
    path.join(process.env.BENCH_COMPILED_DIR, 'baselines', entry.replace(/\.ts$/, '.cjs'));
  if (compiled && existsSync(compiled)) return require(compiled);
  process.env.SWC_NODE_PROJECT ??= path.join(root, 'tsconfig.json');
  require('@swc-node/register');
  return require(path.join(root, 'apps/bench/src/baselines', entry));
}
