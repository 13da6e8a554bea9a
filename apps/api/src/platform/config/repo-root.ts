import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The monorepo root: the nearest ancestor of `start` holding the `chatter` package.json.
 * Falls back to the working directory, so a relocated build still resolves relative defaults.
 */
export function findRepoRoot(start: string = moduleDir()): string {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'chatter')
          return dir;
      } catch {
        // An unreadable manifest is simply not ours.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function moduleDir(): string {
  // CommonJS builds have __dirname; ESM test runners may not.
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}
