import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recommendedNodeMajor, supportedNodeRanges } from './node-versions';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('supported Node.js versions: engines, Dockerfile, README and CI agree', () => {
  const ranges = supportedNodeRanges(root);
  const recommended = recommendedNodeMajor(root);

  it('package.json engines lists LTS lines only (even majors), oldest first', () => {
    expect(ranges.length).toBeGreaterThanOrEqual(2);
    for (const r of ranges) expect(r.major % 2, r.text).toBe(0);
    expect(ranges.map((r) => r.major)).toEqual(
      [...ranges.map((r) => r.major)].sort((a, b) => a - b),
    );
  });

  it('the Node.js running these tests is a supported one', () => {
    const [major, minor] = process.versions.node.split('.').map(Number);
    const ok = ranges.some((r, i) => {
      const [, min = 0] = r.minimum.split('.').map(Number);
      const last = i === ranges.length - 1 && r.text.startsWith('>=');
      return (last ? major >= r.major : major === r.major) && (major > r.major || minor >= min);
    });
    expect(ok, `${process.version} against ${ranges.map((r) => r.text).join(' || ')}`).toBe(true);
  });

  it('the Docker image runs the newest supported LTS', () => {
    expect(read('Dockerfile')).toMatch(
      new RegExp(`^ARG NODE_IMAGE=node:${recommended}(\\.\\d+\\.\\d+)?-bookworm-slim$`, 'm'),
    );
  });

  it('the README names every supported version and its minimum', () => {
    const requirements = read('README.md')
      .split('\n')
      .find((line) => line.startsWith('Requirements:'));
    expect(requirements).toBeDefined();
    expect(requirements).toContain(`Node.js ${recommended} LTS`);
    for (const r of ranges) expect(requirements, r.text).toContain(r.minimum);
  });

  it('the test command runs the unit and API suites on the newest LTS by default, as documented', async () => {
    const { DEFAULT_OTHER_NODE_VERSIONS, otherNodeVersions } =
      await import('../scripts/node-lts.mjs');
    expect(DEFAULT_OTHER_NODE_VERSIONS).toBe(String(recommended));
    const older = String(ranges[0]!.major);
    expect(otherNodeVersions({}, older)).toEqual([String(recommended)]);
    // Never the running Node.js twice; an empty list turns the pass off; a list adds versions.
    expect(otherNodeVersions({}, String(recommended))).toEqual([]);
    expect(otherNodeVersions({ CHATTER_TEST_NODE_VERSIONS: '' }, older)).toEqual([]);
    expect(otherNodeVersions({ CHATTER_TEST_NODE_VERSIONS: '22, 24' }, older)).toEqual(
      ['22', '24'].filter((m) => m !== older),
    );
    const testCommand = read('scripts/test.mjs');
    expect(testCommand).toContain('otherNodeVersions(process.env,');
    expect(testCommand).toMatch(/for \(const project of \['unit', 'api-e2e'\]\)/);
    // CI runs the README's test command without turning the pass off.
    const ci = read('.ci/run');
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).not.toMatch(/CHATTER_TEST_NODE_VERSIONS=/);
    // The README says what runs there, and how to run every API suite there.
    expect(read('README.md').replace(/\s+/g, ' ')).toMatch(
      new RegExp(`runs the unit suite and the API suites .{0,140} on Node\\.js ${recommended}`),
    );
    expect(read('README.md')).toContain('npm run test:node-lts');
    expect(JSON.parse(read('package.json')).scripts['test:node-lts']).toContain(
      'CHATTER_TEST_NODE_LTS_FULL=1',
    );
  });
});
