/** The variable the embedded store reads its driver binary from (libs/store-sqlite, sqlite-driver.ts). */
const SQLITE_BINDING_ENV = 'CHATTER_SQLITE_BINDING';

/**
 * The SQLite driver binary of this run, for an API or CLI process a test starts with an otherwise
 * minimal environment: on another Node.js version the test command names a binary built for it
 * (see scripts/native.mjs), which the child must load too. Empty when the installed one is used.
 */
export function driverEnv(): Record<string, string> {
  const binding = process.env[SQLITE_BINDING_ENV];
  return binding ? { [SQLITE_BINDING_ENV]: binding } : {};
}
