// Small statistics for the soak report.

/** Least-squares fit y = a + b·x; returns the slope b, the intercept and R². */
export function linearRegression(points) {
  const n = points.length;
  if (n < 2) return { slope: 0, intercept: points[0]?.[1] ?? 0, r2: 0 };
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return {
    slope,
    intercept: my - slope * mx,
    r2: sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy),
  };
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Verdict on whether a series is flat over the last two thirds of the run (the first third is
 * warm-up: JIT, caches, pools): the growth the fitted slope predicts over that window must stay
 * under `tolerance` (absolute, in the series' unit) or `relative` of the window's mean, or the
 * fit must explain too little of the variance (R² < 0.5: noise around a level, not a trend).
 */
export function flatness(samples, key, { tolerance, relative = 0.05 }) {
  if (samples.length < 3)
    return {
      key,
      slopePerMin: 0,
      r2: 0,
      growth: 0,
      allowed: tolerance,
      mean: NaN,
      flat: true,
      samples: samples.length,
      minutes: 0,
    };
  const start = samples[0].t + (samples.at(-1).t - samples[0].t) / 3;
  const window = samples.filter((s) => s.t >= start && Number.isFinite(s[key]));
  const fit = linearRegression(window.map((s) => [s.t / 60_000, s[key]]));
  const minutes = (window.at(-1).t - window[0].t) / 60_000;
  const mean = window.reduce((sum, s) => sum + s[key], 0) / window.length;
  const growth = fit.slope * minutes;
  const allowed = Math.max(tolerance, Math.abs(mean) * relative);
  return {
    key,
    slopePerMin: fit.slope,
    r2: fit.r2,
    growth,
    allowed,
    mean,
    flat: growth <= allowed || fit.r2 < 0.5,
    samples: window.length,
    minutes,
  };
}
