import { afterAll, afterEach } from 'vitest';
import { takeCrashes } from './api-process';

/**
 * Fails the test (or, for crashes during teardown, the file) in which an API process died on
 * its own: an uncaught exception, an unhandled rejection or an exit nobody asked for.
 */
const check = (): void => {
  const crashes = takeCrashes();
  if (crashes.length === 0) return;
  throw new Error(
    `API process crashed:\n${crashes.map((c) => `${c.url}: ${c.reason}`).join('\n')}`,
  );
};

afterEach(check);
afterAll(check);
