import { describe, expect, it } from 'vitest';
import {
  clusterWorkload,
  hopFigures,
  RAMP_P99_MS,
  stepPasses,
  sustainedRate,
  type RampStep,
} from './s4-cross-instance';

const step = (rate: number, p99: number, extra: Partial<RampStep> = {}): RampStep => ({
  rate,
  p50: p99 / 2,
  p99,
  lost: 0,
  sendErrors: 0,
  serverCpuPct: 10,
  storeCpuPct: 10,
  ...extra,
});

describe('cross-instance rate', () => {
  it('keeps the highest step before the first that does not pass', () => {
    expect(sustainedRate([step(5, 8), step(10, 9), step(20, 30), step(40, 400)])).toBe(20);
    expect(sustainedRate([step(5, 8), step(10, 9, { lost: 1 }), step(20, 9)])).toBe(5);
    expect(sustainedRate([])).toBe(5);
  });

  it('measures against the latency floor when even the lowest rate is over the bound', () => {
    const first = step(5, 60); // p50 30
    expect(stepPasses(step(10, RAMP_P99_MS), step(5, 10))).toBe(true);
    expect(stepPasses(step(10, RAMP_P99_MS + 1), step(5, 10))).toBe(false);
    expect(stepPasses(step(10, 110, { p50: 55 }), first)).toBe(true);
    expect(stepPasses(step(10, 110, { p50: 56 }), first)).toBe(false);
    expect(stepPasses(step(10, 121, { p50: 30 }), first)).toBe(false);
    expect(stepPasses(step(10, 10, { sendErrors: 2 }), first)).toBe(false);
    expect(sustainedRate([first, step(10, 100), step(20, 500)])).toBe(10);
  });

  it('ramps unless BENCH_S4_RATE fixes the rate; smoke runs are small and fixed', () => {
    const full = { smoke: false, scale: 1 };
    expect(clusterWorkload(full, false, {})).toEqual({ users: 500, rate: 'ramp' });
    expect(clusterWorkload(full, true, {})).toEqual({ users: 5000, rate: 'ramp' });
    expect(clusterWorkload(full, false, { BENCH_S4_RATE: '12' })).toEqual({ users: 500, rate: 12 });
    expect(clusterWorkload({ smoke: true, scale: 1 }, false, {})).toEqual({ users: 40, rate: 10 });
  });
});

describe('cross-instance hop figures', () => {
  const h = (counts: number[]) => ({
    buckets: [0.001, 0.002, Infinity].map((le, i) => ({ le, count: counts[i] as number })),
    count: counts[2] as number,
    sum: 0,
  });

  it('merges what every instance observed between the scrapes, in ms', () => {
    // Instance 0 saw 10 new hops ≤ 1 ms; instance 1 (no hop before the step) 10 in (1, 2] ms.
    const figures = hopFigures([h([5, 5, 5]), undefined], [h([15, 15, 15]), h([0, 10, 10])]);
    expect(figures).toEqual({ p50: 1, p99: 1.98, count: 20 });
  });

  it('is undefined without observations', () => {
    expect(hopFigures([h([1, 1, 1])], [h([1, 1, 1])])).toBeUndefined();
    expect(hopFigures([undefined], [undefined])).toBeUndefined();
  });
});
