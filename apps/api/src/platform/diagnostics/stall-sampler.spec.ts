import { describe, expect, it } from 'vitest';
import { renderStallReport } from './stall-report';
import { StallSampler } from './stall-sampler';

function blockTheLoopFor(ms: number): number {
  const until = Date.now() + ms;
  let spins = 0;
  while (Date.now() < until) spins++;
  return spins;
}
const turn = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StallSampler (in this process)', () => {
  it('finds a blocking call, names the function that blocked and its duration', async () => {
    const sampler = new StallSampler({ thresholdMs: 30, sliceMs: 60_000 });
    await sampler.start();
    await turn(50); // a quiet start: no stall
    blockTheLoopFor(150);
    await turn(50);
    blockTheLoopFor(80);
    await turn(50);
    const report = await sampler.stop();

    // Both blocks are stalls (a busy machine may add short ones of its own).
    expect(report.stalls).toBeGreaterThanOrEqual(2);
    const [longest, second] = report.longest;
    expect(longest!.durationMs).toBeGreaterThanOrEqual(150);
    expect(longest!.durationMs).toBeLessThan(2000);
    expect(second!.durationMs).toBeGreaterThanOrEqual(80);
    expect(report.ownFrames[0]!.frame).toMatch(/^blockTheLoopFor .*stall-sampler\.spec\.ts/);
    // Most of the stalled time is sampled inside the blocking function.
    expect(report.ownFrames[0]!.ms).toBeGreaterThan(0.6 * (150 + 80));
    expect(renderStallReport(report)).toContain('blockTheLoopFor');
  });

  it('reports no stall for a loop that keeps turning, across several profile slices', async () => {
    const sampler = new StallSampler({ thresholdMs: 250, sliceMs: 100 });
    await sampler.start();
    for (let i = 0; i < 10; i++) {
      blockTheLoopFor(5);
      await turn(20);
    }
    const report = await sampler.stop();
    expect(report.stalls).toBe(0);
    expect(report.stalledMs).toBe(0);
  });
});
