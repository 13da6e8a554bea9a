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
      for (const lm of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!;
    }
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/**
 * Event-loop delay p99 in milliseconds from whatever gauge the server exposes:
 * prom-client's `nodejs_eventloop_lag_p99_seconds` or an app-specific one whose name
 * mentions the event loop and p99. Seconds are converted by the `_seconds` suffix.
 */
export function eventLoopP99Ms(samples: readonly PromSample[]): { ms: number; metric: string } | undefined {
  const candidates = samples.filter((s) => /event_?loop/i.test(s.name) && /p99(?!_?9)/i.test(s.name) && Number.isFinite(s.value));
  // Prefer an application gauge over prom-client's default when both exist.
  candidates.sort((a, b) => Number(a.name.startsWith('nodejs_')) - Number(b.name.startsWith('nodejs_')));
  const pick = candidates[0];
  if (!pick) return undefined;
  const ms = /_seconds$/.test(pick.name) ? pick.value * 1000 : /_ms$|_milliseconds$/.test(pick.name) ? pick.value : pick.value * 1000;
  return { ms: Math.round(ms * 1000) / 1000, metric: pick.name };
}
