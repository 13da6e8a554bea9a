import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signUp, startApi } from '../support';

describe('STALL_REPORT_DIR (event-loop stall report)', () => {
  it('writes a report of the run at shutdown, and nothing when unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatter-stalls-'));
    try {
      const api = await startApi({ STALL_REPORT_DIR: dir, STALL_THRESHOLD_MS: '5' });
      await signUp(api, 'Stall');
      expect(await api.stop()).toBe(0);
      expect(api.output()).toContain('stall sampler on');
      const files = readdirSync(dir).sort();
      expect(files).toHaveLength(2);
      expect(files[0]).toMatch(/^stalls-\d+\.json$/);
      expect(files[1]).toMatch(/^stalls-\d+\.md$/);
      const report = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'));
      expect(report.thresholdMs).toBe(5);
      expect(report.observedMs).toBeGreaterThan(0);
      expect(report.longest.length).toBe(Math.min(report.stalls, 10));
      expect(readFileSync(join(dir, files[1]!), 'utf8')).toContain('# Event-loop stalls');

      const quiet = await startApi({});
      await signUp(quiet, 'Quiet');
      expect(await quiet.stop()).toBe(0);
      expect(quiet.output()).not.toContain('stall sampler on');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
