import { PublishErrorReporter } from '@chatter/core';

/** A publish error reporter for specs: a failed publish fails the test instead of being logged. */
export class ThrowingReporter extends PublishErrorReporter {
  report(error: unknown): void {
    throw error;
  }
}

/** Polls `check` every 5 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
