// Shared by the baseline launchers: run a TypeScript entry under @swc-node/register
// (decorator metadata on), falling back to the bench's stand-in modules only for
// packages that are not installed.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const require = createRequire(path.join(root, 'package.json'));

export function launch(entry) {
  process.env.SWC_NODE_PROJECT ??= path.join(root, 'tsconfig.json');
  try {
    require.resolve('@as-integrations/express5');
  } catch {
    // NODE_PATH is read at startup; Module._initPaths re-reads it for this process.
    process.env.NODE_PATH = [path.join(here, 'fallback-modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
    require('node:module').Module._initPaths();
    process.env.BENCH_EXPRESS5_FALLBACK = '1';
  }
  require('@swc-node/register');
  return require(path.join(root, 'apps/bench/src/baselines', entry));
}
