import { randomBytes } from 'node:crypto';

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** A short random token for tenant ids, keys and prefixes that must not collide on a shared server. */
export const uniqueToken = (prefix = 't'): string => `${prefix}${randomBytes(6).toString('hex')}`;

/**
 * Retries `assertion` until it stops throwing or `timeoutMs` passes (then rethrows its last error).
 * For waiting on asynchronous delivery, never for timing claims.
 */
export async function eventually(
  assertion: () => void | Promise<void>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(10);
    }
  }
}
