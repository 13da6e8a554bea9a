import type { PromSample } from './prometheus';

/** A Prometheus histogram's cumulative buckets (upper bound `le`, in the metric's unit). */
export interface PromHistogram {
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

const matches = (s: PromSample, labels: Record<string, string>): boolean =>
  Object.entries(labels).every(([k, v]) => s.labels[k] === v);

/** The histogram `name` (without `_bucket`) with the given labels; undefined when absent. */
export function promHistogram(
  samples: readonly PromSample[],
  name: string,
  labels: Record<string, string> = {},
): PromHistogram | undefined {
  const buckets = samples
    .filter(
      (s) => s.name === `${name}_bucket` && matches(s, labels) && s.labels['le'] !== undefined,
    )
    .map((s) => ({
      le: s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']),
      count: s.value,
    }))
    .sort((a, b) => a.le - b.le);
  if (buckets.length === 0) return undefined;
  const one = (suffix: string): number =>
    samples.find((s) => s.name === `${name}${suffix}` && matches(s, labels))?.value ?? 0;
  return { buckets, count: one('_count'), sum: one('_sum') };
}

/** What was observed between two scrapes of one histogram (`before` may be absent: nothing yet). */
export function histogramDelta(after: PromHistogram, before?: PromHistogram): PromHistogram {
  if (!before) return after;
  const at = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (at.get(b.le) ?? 0) })),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/** Sum of histograms with the same buckets (e.g. one per instance). */
export function mergeHistograms(hs: readonly PromHistogram[]): PromHistogram | undefined {
  const [first, ...rest] = hs;
  if (!first) return undefined;
  const counts = new Map(first.buckets.map((b) => [b.le, b.count]));
  for (const h of rest)
    for (const b of h.buckets) counts.set(b.le, (counts.get(b.le) ?? 0) + b.count);
  return {
    buckets: [...counts].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le),
    count: hs.reduce((a, h) => a + h.count, 0),
    sum: hs.reduce((a, h) => a + h.sum, 0),
  };
}

/**
 * The q-quantile as PromQL's histogram_quantile computes it: linear interpolation inside the
 * bucket that holds it (from 0 for the first bucket); the highest finite bound when it falls in
 * +Inf. Undefined for an empty histogram.
 */
export function histogramQuantile(q: number, h: PromHistogram): number | undefined {
  const total = h.buckets.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lower;
      const inBucket = b.count - below;
      return inBucket > 0 ? lower + ((b.le - lower) * (rank - below)) / inBucket : b.le;
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}
