import { describe, expect, it } from 'vitest';
import { nextRate, stepVerdict } from './s1-fan-out';
import { withDatabaseSuffix } from './s4-cross-instance';
import { netCpuPerDelivery } from './s7-idle-subscribers';

const ok = { latency: { p99: 10 }, lost: 0, dups: 0, sendErrors: 0, drained: true };

describe('fan-out ramp', () => {
  it('doubles while steps pass, then bisects between the best pass and the first failure', () => {
    expect(nextRate([], [], 20)).toBe(20);
    expect(nextRate([20, 40], [], 20)).toBe(80);
    expect(nextRate([20, 40], [80], 20)).toBe(57);
    expect(nextRate([20, 40, 57], [80, 67], 20)).toBe(62);
    expect(nextRate([100], [110], 20)).toBeUndefined();
  });

  it('halves from a failing first step, but not forever', () => {
    expect(nextRate([], [20], 20)).toBe(10);
    expect(nextRate([], [20, 10, 5, 2.5, 1.25], 20)).toBeUndefined();
  });

  it('accepts a step only with p99 within target and nothing lost, duplicated or refused', () => {
    expect(stepVerdict(ok as never)).toBeUndefined();
    expect(stepVerdict({ ...ok, latency: { p99: 51 } } as never)).toMatch(/p99/);
    expect(stepVerdict({ ...ok, lost: 1 } as never)).toMatch(/lost/);
    expect(stepVerdict({ ...ok, dups: 2 } as never)).toMatch(/dup/);
    expect(stepVerdict({ ...ok, sendErrors: 3 } as never)).toMatch(/send errors/);
  });
});

describe('CPU per delivery', () => {
  it('subtracts the idle CPU rate over the active window', () => {
    // 1 s idle cost 10 ms; 2 s active cost 220 ms for 1000 deliveries → 200 µs each net.
    expect(netCpuPerDelivery(220_000, 2, 10_000, 1, 1000)).toBe(200);
  });

  it('is null without deliveries and never negative', () => {
    expect(netCpuPerDelivery(1000, 1, 0, 1, 0)).toBeNull();
    expect(netCpuPerDelivery(1000, 1, 50_000, 1, 10)).toBe(0);
  });
});

describe('cross-instance setups', () => {
  it('gives each setup its own MongoDB database, keeping options', () => {
    expect(withDatabaseSuffix('mongodb://127.0.0.1:27017/chatter-bench', 2)).toBe(
      'mongodb://127.0.0.1:27017/chatter-bench-2',
    );
    expect(withDatabaseSuffix('mongodb://u:p@h1:1,h2:2/app?replicaSet=rs0', 0)).toBe(
      'mongodb://u:p@h1:1,h2:2/app-0?replicaSet=rs0',
    );
    expect(withDatabaseSuffix('mongodb://h:1', 1)).toBe('mongodb://h:1/chatter-bench-1');
  });
});
