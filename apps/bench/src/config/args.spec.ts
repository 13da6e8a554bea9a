import { describe, expect, it } from 'vitest';
import { cpuSplit, parseArgs } from './args';

describe('bench flags', () => {
  it('defaults to every scenario and target', () => {
    const o = parseArgs([]);
    expect(o.scenarios).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(o.targets).toEqual(['chatter', 'b0', 'b1']);
    expect(o.smoke).toBe(false);
  });

  it('reads --smoke, --scenario lists, --duration, --scale and = forms', () => {
    const o = parseArgs([
      '--smoke',
      '--scenario',
      '7,2',
      '--duration=3',
      '--scale',
      '0.1',
      '--targets',
      'b1,b0',
    ]);
    expect(o).toMatchObject({
      smoke: true,
      scenarios: [2, 7],
      durationS: 3,
      scale: 0.1,
      targets: ['b0', 'b1'],
    });
  });

  it('rejects unknown flags and out-of-range values', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--scenario', '9'])).toThrow(/--scenario/);
    expect(() => parseArgs(['--duration', '-1'])).toThrow(/--duration/);
    expect(() => parseArgs(['--targets', 'redis'])).toThrow(/--targets/);
    expect(() => parseArgs(['--node', 'latest'])).toThrow(/--node/);
  });

  it('accepts --node MAJOR (run.mjs re-runs the bench on it) without changing the options', () => {
    expect(parseArgs(['--node', '24', '--scenario', '1'])).toEqual(parseArgs(['--scenario', '1']));
    expect(parseArgs(['--node=24'])).toEqual(parseArgs([]));
  });

  it('gives servers and load generator separate cores', () => {
    expect(cpuSplit(1)).toBeUndefined();
    expect(cpuSplit(2)).toEqual({ server: '0', load: '1' });
    expect(cpuSplit(8)).toEqual({ server: '0-3', load: '4-7' });
  });
});
