/** Minimal Prometheus text-format reader: just enough to pick gauges by name. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) {
      for (const lm of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[lm[1]!] = lm[2]!;
    }
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/**
 * Event-loop delay p99 in milliseconds from whatever the server exposes: an app
 * gauge such as `chatter_event_loop_delay_seconds{quantile="0.99"}`, a name with
 * p99 in it, or prom-client's `nodejs_eventloop_lag_p99_seconds`. App gauges win.
 */
export function eventLoopP99Ms(
  samples: readonly PromSample[],
): { ms: number; metric: string } | undefined {
  const isP99 = (s: PromSample): boolean =>
    s.labels['quantile'] === '0.99' || /p99(?!_?9)/i.test(s.name);
  const candidates = samples.filter(
    (s) => /event_?loop/i.test(s.name) && isP99(s) && Number.isFinite(s.value),
  );
  candidates.sort(
    (a, b) => Number(a.name.startsWith('nodejs_')) - Number(b.name.startsWith('nodejs_')),
  );
  const pick = candidates[0];
  if (!pick) return undefined;
  const ms = /_ms$|_milliseconds$/.test(pick.name) ? pick.value : pick.value * 1000;
  const metric = pick.labels['quantile']
    ? `${pick.name}{quantile="${pick.labels['quantile']}"}`
    : pick.name;
  return { ms: Math.round(ms * 1000) / 1000, metric };
}
