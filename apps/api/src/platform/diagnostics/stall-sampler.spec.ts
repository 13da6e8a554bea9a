import { describe, expect, it } from 'vitest';
import { renderStallReport } from './stall-report';
import { StallReport, StallSampler } from './stall-sampler';

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
    // A block of N ms on Date.now() (whole milliseconds) lasts more than N - 1 ms on the
    // sampler's monotonic clock: it may start late in the first millisecond.
    const [longest, second] = report.longest;
    expect(longest!.durationMs).toBeGreaterThan(149);
    expect(longest!.durationMs).toBeLessThan(2000);
    expect(second!.durationMs).toBeGreaterThan(79);
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

  it('toggles measured windows and reports the stalls inside them apart', async () => {
    const sampler = new StallSampler({ thresholdMs: 30, sliceMs: 60_000 });
    expect(sampler.toggleWindow()).toBe(false); // not running: no window
    await sampler.start();
    await turn(30);
    blockTheLoopFor(100); // set-up: outside
    await turn(30);
    expect(sampler.toggleWindow()).toBe(true);
    expect(sampler.windowOpen).toBe(true);
    await turn(30);
    blockTheLoopFor(200); // measured
    await turn(30);
    expect(sampler.toggleWindow()).toBe(false);
    await turn(30);
    blockTheLoopFor(60); // between windows: outside
    await turn(30);
    sampler.toggleWindow(); // a second window, left open until stop
    await turn(30);
    blockTheLoopFor(140); // measured
    await turn(30);
    const report = await sampler.stop();

    const w = report.inWindow!;
    expect(w.windows).toBe(2);
    expect(w.openAtStop).toBe(true);
    expect(w.measuredMs).toBeGreaterThanOrEqual(200 + 140);
    expect(w.measuredMs).toBeLessThan(report.observedMs);
    // The measured stalls are in the window; the set-up and in-between ones only in the whole.
    const inWindow = w.longest.map((s) => s.durationMs);
    expect(inWindow[0]).toBeGreaterThanOrEqual(200);
    expect(inWindow[1]).toBeGreaterThanOrEqual(140);
    expect(inWindow.filter((ms) => ms >= 55 && ms < 140)).toEqual([]);
    expect(w.stalls).toBeLessThan(report.stalls);
    expect(w.stalledMs).toBeLessThan(report.stalledMs);
    // (V8 may inline the hot blocking function into the test's own frame.)
    expect(w.ownFrames[0]!.frame).toMatch(/stall-sampler\.spec\.ts/);
    const specMs = w.ownFrames
      .filter((f) => f.frame.includes('stall-sampler.spec.ts'))
      .reduce((a, f) => a + f.ms, 0);
    expect(specMs).toBeGreaterThan(0.6 * (200 + 140));
    expect(report.ownFrames[0]!.ms).toBeGreaterThan(w.ownFrames[0]!.ms);
    expect(w.loopDelayMs.max).toBeGreaterThanOrEqual(140);
    // Every stall of the whole process says whether it was inside a window.
    const outside = report.longest.filter((s) => s.durationMs >= 55 && s.durationMs < 140);
    expect(outside.length).toBeGreaterThanOrEqual(2);
    expect(outside.every((s) => s.inWindow === false)).toBe(true);
    expect(report.longest.filter((s) => s.durationMs >= 140).every((s) => s.inWindow)).toBe(true);
  });

  it('keeps the report as it was when no window is marked', async () => {
    const sampler = new StallSampler({ thresholdMs: 30, sliceMs: 60_000 });
    await sampler.start();
    blockTheLoopFor(60);
    await turn(30);
    const report = await sampler.stop();
    expect(report.inWindow).toBeUndefined();
    expect(report.longest.every((s) => !('inWindow' in s))).toBe(true);
    expect(Object.keys(report)).toEqual([
      'thresholdMs',
      'samplingIntervalUs',
      'observedMs',
      'stalls',
      'stalledMs',
      'stallMs',
      'loopDelayMs',
      'excludedSamplerStalls',
      'causes',
      'ownFrames',
      'leafFrames',
      'longest',
    ]);
  });
});

describe('renderStallReport', () => {
  const figures = (stalls: number, frame: string, inWindow?: boolean) => ({
    stalls,
    stalledMs: 100 * stalls,
    stallMs: { p50: 50, p99: 90, max: 90 },
    loopDelayMs: { p50: 10, p99: 40, max: 90 },
    causes: [{ cause: 'SQLite', ms: 80, share: 100 }],
    ownFrames: [{ frame, ms: 80 }],
    leafFrames: [{ frame: 'get better-sqlite3/lib/methods/wrappers.js:10', ms: 80 }],
    longest: [
      {
        atMs: 1500,
        durationMs: 90,
        ...(inWindow === undefined ? {} : { inWindow }),
        causes: [{ cause: 'SQLite', ms: 80 }],
        ownFrames: [{ frame, ms: 80 }],
      },
    ],
  });
  const base = {
    thresholdMs: 20,
    samplingIntervalUs: 1000,
    observedMs: 30_000,
    excludedSamplerStalls: 1,
  };

  it('renders the whole process alone when no window was marked', () => {
    const md = renderStallReport({ ...base, ...figures(7, 'teardown') } as StallReport);
    expect(md).not.toMatch(/window|Whole process/);
    expect(md).toContain('- stalls: 7, 700 ms in all');
    expect(md).toContain('## Longest stalls\n\n| at (s) | ms | causes | own frames |');
    expect(md).toContain('| 1.5 | 90 | SQLite 80 | teardown 80 |');
  });

  it('puts the measured windows first and the whole process after, labelled', () => {
    const report: StallReport = {
      ...base,
      inWindow: {
        windows: 1,
        measuredMs: 10_000,
        openAtStop: false,
        ...figures(3, 'deliver'),
      },
      ...figures(7, 'teardown', false),
    };
    const md = renderStallReport(report);
    const inWindow = md.indexOf('## In the measured window (1 marked by SIGUSR2, 10.0 s)');
    const whole = md.indexOf('## Whole process (set-up, measured windows and teardown)');
    expect(inWindow).toBeGreaterThan(0);
    expect(whole).toBeGreaterThan(inWindow);
    expect(md.indexOf('- stalls: 3, 300 ms')).toBeGreaterThan(inWindow);
    expect(md.indexOf('- stalls: 3, 300 ms')).toBeLessThan(whole);
    expect(md.indexOf('- stalls: 7, 700 ms')).toBeGreaterThan(whole);
    expect(md.indexOf('| deliver | 80 |')).toBeLessThan(whole);
    expect(md.indexOf('### Longest stalls')).toBeLessThan(whole);
    // The whole process's longest stalls say whether each was inside the window.
    expect(md).toContain('| at (s) | ms | in window | causes | own frames |');
    expect(md).toContain('| 1.5 | 90 | no | SQLite 80 | teardown 80 |');
    expect(md.indexOf('left out: 1 stalls')).toBeGreaterThan(whole);
  });
});
