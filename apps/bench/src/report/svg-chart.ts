import type { ChartSeries } from './results';

const COLORS: Record<string, string> = {
  Chatter: '#1f77b4',
  'B0 raw ws': '#2ca02c',
  'B1 Nest+Apollo': '#d62728',
};
const FALLBACK = ['#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Powers of ten (and 2×, 5×) covering [lo, hi], for log-axis ticks. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

const fmt = (v: number): string =>
  v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v);

/**
 * Latency against load: one panel per fan-out shape, x = delivered events/s and
 * y = latency (ms), both log scale; solid p99 and dashed p50 per target, with the
 * 50 ms p99 target drawn across.
 */
export function renderLatencyChart(
  series: readonly ChartSeries[],
  title = 'Latency against delivered load',
): string {
  const panels = [...new Set(series.map((s) => s.panel))];
  const targets = [...new Set(series.map((s) => s.target))];
  const pw = 460;
  const ph = 300;
  const m = { l: 60, r: 20, t: 40, b: 50 };
  const width = Math.max(1, panels.length) * (pw + m.l + m.r);
  const height = ph + m.t + m.b + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((panel, pi) => {
    const ox = pi * (pw + m.l + m.r) + m.l;
    const oy = m.t;
    const pts = series.filter((s) => s.panel === panel).flatMap((s) => s.points);
    const xs = pts.map((p) => p.x).filter((v) => v > 0);
    const ys = pts.flatMap((p) => [p.p50, p.p99]).filter((v) => v > 0);
    const xLo = 10 ** Math.floor(Math.log10(Math.min(...xs, 100)));
    const xHi = 10 ** Math.ceil(Math.log10(Math.max(...xs, 1000)));
    const yLo = 10 ** Math.floor(Math.log10(Math.min(...ys, 1)));
    const yHi = 10 ** Math.ceil(Math.log10(Math.max(...ys, 100)));
    const X = (v: number): number =>
      ox +
      ((Math.log10(Math.max(v, xLo)) - Math.log10(xLo)) / (Math.log10(xHi) - Math.log10(xLo))) * pw;
    const Y = (v: number): number =>
      oy +
      ph -
      ((Math.log10(Math.max(v, yLo)) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * ph;
    out.push(
      `<text x="${ox + pw / 2}" y="${oy - 8}" text-anchor="middle" font-weight="bold">${esc(panel)}</text>`,
    );
    out.push(`<rect x="${ox}" y="${oy}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
    for (const t of logTicks(xLo, xHi)) {
      out.push(`<line x1="${X(t)}" y1="${oy}" x2="${X(t)}" y2="${oy + ph}" stroke="#eee"/>`);
      out.push(`<text x="${X(t)}" y="${oy + ph + 15}" text-anchor="middle">${fmt(t)}</text>`);
    }
    for (const t of logTicks(yLo, yHi)) {
      out.push(`<line x1="${ox}" y1="${Y(t)}" x2="${ox + pw}" y2="${Y(t)}" stroke="#eee"/>`);
      out.push(`<text x="${ox - 5}" y="${Y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
    }
    if (50 >= yLo && 50 <= yHi) {
      out.push(
        `<line x1="${ox}" y1="${Y(50)}" x2="${ox + pw}" y2="${Y(50)}" stroke="#f90" stroke-dasharray="6 3"/>`,
      );
      out.push(
        `<text x="${ox + pw - 4}" y="${Y(50) - 4}" text-anchor="end" fill="#f90">p99 target 50 ms</text>`,
      );
    }
    out.push(
      `<text x="${ox + pw / 2}" y="${oy + ph + 35}" text-anchor="middle">delivered events/s (log)</text>`,
    );
    out.push(
      `<text transform="translate(${ox - 45},${oy + ph / 2}) rotate(-90)" text-anchor="middle">latency ms (log)</text>`,
    );
    for (const s of series.filter((x) => x.panel === panel)) {
      const color = COLORS[s.target] ?? FALLBACK[targets.indexOf(s.target) % FALLBACK.length];
      const sorted = [...s.points].filter((p) => p.x > 0).sort((a, b) => a.x - b.x);
      if (sorted.length === 0) continue;
      const line = (key: 'p50' | 'p99'): string =>
        sorted.map((p) => `${X(p.x).toFixed(1)},${Y(p[key]).toFixed(1)}`).join(' ');
      out.push(
        `<polyline points="${line('p99')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
      out.push(
        `<polyline points="${line('p50')}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      );
      for (const p of sorted)
        out.push(
          `<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.p99).toFixed(1)}" r="3" fill="${color}"><title>${esc(s.target)}: ${Math.round(p.x)}/s p99 ${p.p99} ms</title></circle>`,
        );
    }
  });
  const ly = height - 14;
  targets.forEach((t, i) => {
    const color = COLORS[t] ?? FALLBACK[i % FALLBACK.length];
    const x = m.l + i * 170;
    out.push(
      `<line x1="${x}" y1="${ly - 4}" x2="${x + 24}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${x + 30}" y="${ly}">${esc(t)}</text>`);
  });
  out.push(
    `<text x="${width - 10}" y="${ly}" text-anchor="end" fill="#555">solid: p99 · dashed: p50</text>`,
  );
  out.push('</svg>');
  return out.join('\n') + '\n';
}
