export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Milliseconds until the window that refused this call ends (0 when allowed). */
  retryAfterMs: number;
}

/**
 * Fixed-window counters shared by every instance that uses the same backing store
 * (memory embedded, Redis clustered). Each call consumes one unit atomically.
 */
export abstract class RateLimiter {
  abstract consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
  abstract reset(key: string): Promise<void>;
}

export type LoginCodeAttempt = 'ok' | 'mismatch' | 'burned' | 'missing';

/**
 * One-time login codes, stored only as hashes, with attempt counting that holds across
 * instances (memory embedded, Redis clustered).
 */
export abstract class LoginCodeStore {
  /** Stores the code hash for `key`, replacing any previous code and resetting attempts. */
  abstract put(key: string, codeHash: string, ttlMs: number): Promise<void>;
  /**
   * Atomically checks a candidate: 'ok' consumes the code (single use); 'mismatch' counts an
   * attempt; the attempt that reaches `maxAttempts` deletes the code and answers 'burned';
   * 'missing' when there is no live code.
   */
  abstract attempt(
    key: string,
    candidateHash: string,
    maxAttempts: number,
  ): Promise<LoginCodeAttempt>;
}
