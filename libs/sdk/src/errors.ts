/** The server refused an operation; `code` is its stable `extensions.code` (e.g. `FORBIDDEN`). */
export class ChatterError extends Error {
  override readonly name = 'ChatterError';
  constructor(
    readonly code: string,
    message: string,
    readonly errors: readonly unknown[] = [],
  ) {
    super(message);
  }
}

/** The operation did not reach the server or got no answer: it may be retried. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Codes after which the same request can succeed later without change. */
const TRANSIENT_CODES = new Set([
  'RATE_LIMITED',
  'UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
]);

/** Whether a send that failed with `error` may be retried as it is. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof ChatterError) return TRANSIENT_CODES.has(error.code);
  return false;
}
