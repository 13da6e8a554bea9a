// Builds the offline GraphiQL page (dist/playground/) and fails if it would load anything
// from another origin. Usage: node apps/api/playground/build.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { checkOffline } from './check-offline.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../../../dist/playground');

await build({ configFile: path.join(here, 'vite.config.ts') });
const problems = checkOffline(outDir);
if (problems.length > 0) {
  console.error(`playground is not self-contained:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `playground built into ${path.relative(process.cwd(), outDir) || outDir} (no external URLs)`,
);
