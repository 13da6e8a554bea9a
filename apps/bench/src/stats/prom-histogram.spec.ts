import { describe, expect, it } from 'vitest';
import { parsePrometheus } from './prometheus';
import {
  histogramDelta,
  histogramQuantile,
  mergeHistograms,
  promHistogram,
} from './prom-histogram';

const exposition = (counts: [number, number, number, number], bus = 'nats'): string =>
  [
    '# TYPE chatter_bus_hop_seconds histogram',
    `chatter_bus_hop_seconds_bucket{le="0.001",bus="${bus}"} ${counts[0]}`,
    `chatter_bus_hop_seconds_bucket{le="0.002",bus="${bus}"} ${counts[1]}`,
    `chatter_bus_hop_seconds_bucket{le="0.005",bus="${bus}"} ${counts[2]}`,
    `chatter_bus_hop_seconds_bucket{le="+Inf",bus="${bus}"} ${counts[3]}`,
    `chatter_bus_hop_seconds_sum{bus="${bus}"} 0.5`,
    `chatter_bus_hop_seconds_count{bus="${bus}"} ${counts[3]}`,
    'chatter_bus_hop_seconds_bucket{le="+Inf",bus="redis"} 99',
  ].join('\n');

describe('Prometheus histograms', () => {
  it('reads one labelled histogram, buckets in order', () => {
    const h = promHistogram(
      parsePrometheus(exposition([10, 60, 90, 100])),
      'chatter_bus_hop_seconds',
      {
        bus: 'nats',
      },
    );
    expect(h).toEqual({
      buckets: [
        { le: 0.001, count: 10 },
        { le: 0.002, count: 60 },
        { le: 0.005, count: 90 },
        { le: Infinity, count: 100 },
      ],
      count: 100,
      sum: 0.5,
    });
    expect(promHistogram([], 'chatter_bus_hop_seconds')).toBeUndefined();
  });

  it('interpolates quantiles inside buckets as histogram_quantile does', () => {
    const h = promHistogram(
      parsePrometheus(exposition([10, 60, 90, 100])),
      'chatter_bus_hop_seconds',
      {
        bus: 'nats',
      },
    )!;
    // rank 50 is 40 of the 50 observations in (0.001, 0.002].
    expect(histogramQuantile(0.5, h)).toBeCloseTo(0.0018, 9);
    // rank 5 is half of the first bucket, counted from 0.
    expect(histogramQuantile(0.05, h)).toBeCloseTo(0.0005, 9);
    // In +Inf: the highest finite bound.
    expect(histogramQuantile(0.99, h)).toBe(0.005);
    expect(histogramQuantile(0.5, { buckets: [], count: 0, sum: 0 })).toBeUndefined();
  });

  it('takes the difference of two scrapes and merges instances', () => {
    const parse = (c: [number, number, number, number]) =>
      promHistogram(parsePrometheus(exposition(c)), 'chatter_bus_hop_seconds', { bus: 'nats' })!;
    const d = histogramDelta(parse([12, 70, 95, 105]), parse([10, 60, 90, 100]));
    expect(d.buckets.map((b) => b.count)).toEqual([2, 10, 5, 5]);
    expect(d.count).toBe(5);
    expect(histogramDelta(parse([1, 1, 1, 1]))).toEqual(parse([1, 1, 1, 1]));
    const m = mergeHistograms([d, parse([1, 2, 3, 4])])!;
    expect(m.buckets.map((b) => b.count)).toEqual([3, 12, 8, 9]);
    expect(m.count).toBe(9);
    expect(mergeHistograms([])).toBeUndefined();
  });
});
