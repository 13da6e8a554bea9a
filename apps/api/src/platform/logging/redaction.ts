/** Keys whose values never reach the logs, at any of the first four nesting levels. */
export const REDACTED_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'connectionParams',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'adminToken',
  'code',
  'password',
  'secret',
  'jwtSecret',
  'JWT_SECRET',
  'ADMIN_TOKEN',
  'DEFAULT_TENANT_SECRET',
] as const;

/** Exact paths for headers (hyphenated names need bracket syntax). */
const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/** fast-redact paths for pino's `redact` option. */
export function redactionPaths(): string[] {
  const paths = new Set<string>(HEADER_PATHS);
  for (const key of REDACTED_KEYS) {
    for (const prefix of ['', '*.', '*.*.', '*.*.*.']) paths.add(`${prefix}${key}`);
  }
  return [...paths];
}

export const REDACTED = '[redacted]';
