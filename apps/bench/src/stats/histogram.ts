import * as hdr from 'hdr-histogram-js';

/** Latencies are recorded in microseconds; summaries are reported in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export type Histogram = hdr.Histogram;

export function createHistogram(): Histogram {
  // Packed buckets keep per-phase histograms small; values are auto-resized.
  return hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 'packed');
}

/** Merges encoded histograms from several workers into one. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const total = createHistogram();
  for (const e of encoded) {
    if (!e) continue;
    const h = decodeHistogram(e);
    total.add(h);
    h.destroy();
  }
  return total;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

export function summarize(h: Histogram): LatencySummary {
  const ms = (us: number): number => round(us / 1000);
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

export function summarizeEncoded(encoded: readonly string[]): LatencySummary {
  const h = mergeEncoded(encoded);
  const s = summarize(h);
  h.destroy();
  return s;
}
