import { describe, expect, it } from 'vitest';
import { attributeStalls, CpuProfile, CpuProfileNode, mergeAttribution } from './stall-attribution';

/** A profile tree: root → run (our code) → {sqlite get, JSON stringify}, root → GC, root → idle. */
const node = (id: number, functionName: string, url: string, children: number[] = []) =>
  ({ id, callFrame: { functionName, url, lineNumber: 9 }, children }) as CpuProfileNode;
const nodes = [
  node(1, '(root)', '', [2, 5, 6]),
  node(2, 'deliver', 'file:///srv/dist/api/libs/graphql/src/realtime/chat-stream.js', [3, 4]),
  node(3, 'get', '/srv/node_modules/better-sqlite3/lib/methods/wrappers.js'),
  node(4, 'stringify', ''),
  node(5, '(garbage collector)', ''),
  node(6, '(idle)', ''),
];

/** Samples every 1 ms from t = 1000 µs: [node, …]. */
function profileOf(samples: number[]): CpuProfile {
  return {
    nodes: structuredClone(nodes),
    startTime: 0,
    endTime: 1000 * (samples.length + 1),
    samples,
    timeDeltas: samples.map(() => 1000),
  };
}

describe('attributeStalls', () => {
  it('sums only the samples inside stall windows, by cause, own frame and leaf', () => {
    // t(ms):        1  2  3  4  5  6  7  8  9 10
    const profile = profileOf([6, 3, 3, 4, 5, 6, 3, 4, 4, 6]);
    const result = attributeStalls(profile, [
      { start: 2000, end: 5000 }, // 3, 3, 4, 5
      { start: 7000, end: 9000 }, // 3, 4, 4
    ]);
    expect(result.causes).toEqual({ SQLite: 3, JSON: 3, 'garbage collection': 1 });
    expect(result.ownFrames).toEqual({
      'deliver libs/graphql/src/realtime/chat-stream.js:10': 6,
    });
    expect(result.leafFrames['get better-sqlite3/lib/methods/wrappers.js:10']).toBe(3);
    expect(result.stalls.map((s) => [s.durationMs, s.causes])).toEqual([
      [3, { SQLite: 2, JSON: 1, 'garbage collection': 1 }],
      [2, { SQLite: 1, JSON: 2 }],
    ]);
  });

  it('attributes nothing outside the windows, and accepts windows in any order', () => {
    const profile = profileOf([3, 3, 3, 3]);
    expect(attributeStalls(profile, []).causes).toEqual({});
    const a = attributeStalls(profile, [
      { start: 4000, end: 4000 },
      { start: 1000, end: 1000 },
    ]);
    expect(a.causes).toEqual({ SQLite: 2 });
    expect(a.stalls.map((s) => s.start)).toEqual([1000, 4000]);
  });

  it('merges slices', () => {
    const one = attributeStalls(profileOf([3, 4]), [{ start: 0, end: 3000 }]);
    mergeAttribution(one, attributeStalls(profileOf([3]), [{ start: 0, end: 3000 }]));
    expect(one.causes).toEqual({ SQLite: 2, JSON: 1 });
    expect(one.stalls).toHaveLength(2);
  });
});
