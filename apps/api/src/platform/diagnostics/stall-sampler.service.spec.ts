import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import type { StallReport } from './stall-sampler';
import { STALL_WINDOW_SIGNAL, StallSamplerService } from './stall-sampler.service';

function blockTheLoopFor(ms: number): number {
  const until = Date.now() + ms;
  let spins = 0;
  while (Date.now() < until) spins++;
  return spins;
}
const turn = (ms: number) => new Promise((r) => setTimeout(r, ms));
const configOf = (stallReportDir: string | undefined) =>
  ({ diagnostics: { stallReportDir, stallThresholdMs: 30 } }) as unknown as AppConfig;
const listeners = () => process.listenerCount(STALL_WINDOW_SIGNAL);

describe('StallSamplerService and SIGUSR2', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'chatter-stall-window-'));
    dirs.push(d);
    return d;
  };

  it('opens and closes a measured window on SIGUSR2 while the sampler runs', async () => {
    const dir = tempDir();
    const before = listeners();
    const service = new StallSamplerService(configOf(dir));
    await service.onApplicationBootstrap();
    expect(listeners()).toBe(before + 1);

    blockTheLoopFor(80); // before the window
    await turn(30);
    process.kill(process.pid, STALL_WINDOW_SIGNAL);
    await turn(50);
    blockTheLoopFor(150); // measured
    await turn(30);
    process.kill(process.pid, STALL_WINDOW_SIGNAL);
    await turn(50);
    blockTheLoopFor(80); // after the window
    await turn(30);
    await service.onApplicationShutdown();
    expect(listeners()).toBe(before);

    const files = readdirSync(dir).sort();
    expect(files).toEqual([`stalls-${process.pid}.json`, `stalls-${process.pid}.md`]);
    const report = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as StallReport;
    expect(report.inWindow?.windows).toBe(1);
    expect(report.inWindow?.openAtStop).toBe(false);
    expect(report.inWindow?.longest[0]?.durationMs).toBeGreaterThanOrEqual(150);
    expect(report.inWindow?.longest.some((s) => s.durationMs < 140 && s.durationMs >= 75)).toBe(
      false,
    );
    expect(report.longest.filter((s) => s.durationMs >= 75 && s.durationMs < 140)).toHaveLength(2);
    const md = readFileSync(join(dir, files[1]!), 'utf8');
    expect(md.indexOf('## In the measured window')).toBeLessThan(md.indexOf('## Whole process'));
  });

  it('without STALL_REPORT_DIR leaves SIGUSR2 alone and writes nothing', async () => {
    const before = process.listeners(STALL_WINDOW_SIGNAL);
    const service = new StallSamplerService(configOf(undefined));
    await service.onApplicationBootstrap();
    // No handler: the process keeps whatever SIGUSR2 disposition it had (Node's default).
    expect(process.listeners(STALL_WINDOW_SIGNAL)).toEqual(before);
    await service.onApplicationShutdown();
    expect(process.listeners(STALL_WINDOW_SIGNAL)).toEqual(before);
  });
});
