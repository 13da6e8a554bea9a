import { describe, expect, it } from 'vitest';
import { Rng } from './chaos-rng';

describe('the chaos schedule is a function of the seed', () => {
  const draw = (rng: Rng) => Array.from({ length: 50 }, () => rng.int(0, 1_000_000));

  it('repeats for the same seed and label, and differs across seeds and labels', () => {
    expect(draw(new Rng(42))).toEqual(draw(new Rng(42)));
    expect(draw(new Rng(42).fork('user 1'))).toEqual(draw(new Rng(42).fork('user 1')));
    expect(draw(new Rng(42))).not.toEqual(draw(new Rng(43)));
    expect(draw(new Rng(42).fork('user 1'))).not.toEqual(draw(new Rng(42).fork('user 2')));
  });

  it('stays within bounds and follows the weights', () => {
    const rng = new Rng(7);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) {
      const n = rng.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
      counts[rng.weighted({ a: 3, b: 1 })]++;
    }
    expect(counts.a / 10_000).toBeGreaterThan(0.7);
    expect(counts.a / 10_000).toBeLessThan(0.8);
  });
});
