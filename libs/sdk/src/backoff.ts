/** Exponential backoff with jitter: attempt 0 waits about `baseMs`, doubling up to `maxMs`. */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1 random source (tests pass a fixed one). */
  random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 300;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 30)));
  // "Equal jitter": half fixed, half random, so retries of many clients spread out.
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
