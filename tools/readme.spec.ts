import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE } from '../apps/api/src/platform/config/config-reference';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('documents every configuration variable with its default', () => {
    for (const v of CONFIG_REFERENCE) {
      expect(readme, v.name).toContain(`| \`${v.name}\` | ${v.default.replace(/\|/g, '\\|')} |`);
    }
  });

  it('gives the two quick-start commands, and .ci/run runs the same test command', () => {
    expect(readme).toContain('```sh\nnpm start\n```');
    expect(readme).toContain('```sh\nnpm test\n```');
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
