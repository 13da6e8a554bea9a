import { Clock, SystemClock } from '../shared/clock';
import { LoginCodeAttempt, LoginCodeStore } from '../limits/rate-limiter.port';
import { InMemoryBackend } from './in-memory-backend';
import { InMemoryLimitsOptions } from './in-memory-rate-limiter';

/** Calls between purges of expired codes, so abandoned keys do not accumulate. */
const PURGE_EVERY = 1000;

/** Compares two hashes without an early exit on the first differing character. */
const sameHash = (a: string, b: string): boolean => {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
};

/** One-time login codes with attempt counting, for embedded mode. */
export class InMemoryLoginCodeStore extends LoginCodeStore {
  private readonly backend: InMemoryBackend;
  private readonly clock: Clock;
  private calls = 0;

  constructor(options: InMemoryLimitsOptions = {}) {
    super();
    this.backend = options.backend ?? new InMemoryBackend();
    this.clock = options.clock ?? new SystemClock();
  }

  async put(key: string, codeHash: string, ttlMs: number): Promise<void> {
    const now = this.clock.now().getTime();
    if (++this.calls % PURGE_EVERY === 0) this.purge(now);
    this.backend.loginCodes.set(key, { hash: codeHash, attempts: 0, expiresAt: now + ttlMs });
  }

  async attempt(
    key: string,
    candidateHash: string,
    maxAttempts: number,
  ): Promise<LoginCodeAttempt> {
    const now = this.clock.now().getTime();
    const code = this.backend.loginCodes.get(key);
    if (!code || code.expiresAt <= now) {
      this.backend.loginCodes.delete(key);
      return 'missing';
    }
    if (sameHash(code.hash, candidateHash)) {
      this.backend.loginCodes.delete(key);
      return 'ok';
    }
    code.attempts += 1;
    if (code.attempts >= maxAttempts) {
      this.backend.loginCodes.delete(key);
      return 'burned';
    }
    return 'mismatch';
  }

  private purge(now: number): void {
    for (const [key, code] of this.backend.loginCodes)
      if (code.expiresAt <= now) this.backend.loginCodes.delete(key);
  }
}
