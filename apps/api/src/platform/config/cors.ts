import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { AppConfig, CorsPolicy } from './app-config';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const ORIGIN_PATTERN = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}|\*))?$/i;

/** Default when CORS_ORIGINS is unset: nothing cross-origin in production; loopback dev servers otherwise. */
export function defaultCorsPolicy(isProduction: boolean): CorsPolicy {
  return isProduction
    ? { origins: [], loopbackAnyPort: [] }
    : { origins: [], loopbackAnyPort: ['http'] };
}

/**
 * Parses CORS_ORIGINS: `none`, or a comma list of exact origins (`https://chat.example.com`,
 * `http://localhost:5173`) where only loopback hosts may use a `*` port (`http://localhost:*`).
 * Returns an error description instead of throwing, so the caller builds the one-line message.
 */
export function parseCorsOrigins(raw: string): CorsPolicy | { error: string } {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 1 && entries[0]!.toLowerCase() === 'none')
    return { origins: [], loopbackAnyPort: [] };
  if (entries.length === 0) return { error: 'empty list' };
  const origins = new Set<string>();
  const loopback = new Set<'http' | 'https'>();
  for (const entry of entries) {
    if (entry === '*') return { error: '"*" is not allowed, list the origins' };
    if (entry.toLowerCase() === 'none') return { error: '"none" must stand alone' };
    const m = ORIGIN_PATTERN.exec(entry);
    if (!m) return { error: `"${entry}" is not an origin` };
    const scheme = m[1]!.toLowerCase() as 'http' | 'https';
    const host = m[2]!.toLowerCase();
    if (m[3] === '*') {
      if (!LOOPBACK_HOSTS.has(host))
        return { error: `"${entry}": a * port is only allowed for localhost, 127.0.0.1 and [::1]` };
      loopback.add(scheme);
      continue;
    }
    const normalized = normalizeOrigin(entry);
    if (!normalized) return { error: `"${entry}" is not an origin` };
    origins.add(normalized);
  }
  return { origins: [...origins], loopbackAnyPort: [...loopback] };
}

/** Whether a browser `Origin` may call the API cross-origin under this policy. */
export function isOriginAllowed(origin: string, policy: CorsPolicy): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const scheme = url.protocol.slice(0, -1);
  if ((scheme === 'http' || scheme === 'https') && policy.loopbackAnyPort.includes(scheme)) {
    if (LOOPBACK_HOSTS.has(url.hostname.toLowerCase())) return true;
  }
  return policy.origins.includes(url.origin);
}

/**
 * Whether a WebSocket upgrade may proceed: browsers cannot be stopped by CORS there, so the
 * server compares `Origin` with the request's own `Host` (same origin) or the CORS policy.
 * Clients that send no Origin (servers, CLIs) are allowed; they authenticate by token.
 */
export function isWebSocketOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  policy: CorsPolicy,
): boolean {
  if (origin === undefined || origin === '') return true;
  try {
    if (host && new URL(origin).host.toLowerCase() === host.toLowerCase()) return true;
  } catch {
    return false;
  }
  return isOriginAllowed(origin, policy);
}

/** Options for `app.enableCors()`: token auth in headers, no cookies, so no credentials. */
export function buildCorsOptions(config: Pick<AppConfig, 'http'>): CorsOptions {
  const policy = config.http.cors;
  return {
    origin: (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) =>
      callback(null, origin !== undefined && isOriginAllowed(origin, policy)),
    credentials: false,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'apollo-require-preflight',
      'x-apollo-operation-name',
      'x-request-id',
    ],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  };
}

function normalizeOrigin(entry: string): string | undefined {
  try {
    const url = new URL(entry);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}
