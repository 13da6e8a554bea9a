import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** A Host header we are willing to echo into a CSP: a DNS name or IP literal with an optional port. */
const SAFE_HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/**
 * The graphql-ws endpoint of this origin, as the browser will address it: `wss://host` for a page
 * loaded over HTTPS, `ws://host` over plain HTTP. Only the request's own host, and only when it is
 * a well-formed host (the value is copied into a header).
 */
export function sameOriginSocket(req: Pick<Request, 'secure' | 'host'>): string | undefined {
  const host = req.host;
  if (!host || !SAFE_HOST.test(host)) return undefined;
  return `${req.secure ? 'wss' : 'ws'}://${host.toLowerCase()}`;
}

function options(secure: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Only this origin: HTTP requests and its own graphql-ws socket, never any ws:/wss: host.
        connectSrc: [
          (req) => ["'self'", sameOriginSocket(req as Request)].filter(Boolean).join(' '),
        ],
        // blob: previews of files being attached, made by the page itself.
        imgSrc: ["'self'", 'data:', 'blob:', 'https:', 'http:'],
        // GraphiQL (the playground) sets inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        // Upgrading only makes sense on a page that came over HTTPS: on plain HTTP (a LAN name,
        // an address) it would rewrite every script and style URL to an https:// that answers nothing.
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    // Same for HSTS: browsers ignore it over HTTP, and it must never pin a host that has no TLS.
    strictTransportSecurity: secure
      ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true }
      : false,
    crossOriginEmbedderPolicy: false,
  };
}

/** Distinct (scheme, Host) answers remembered; Hosts are client-chosen, so past this helmet runs as is. */
const MAX_CACHED_VARIANTS = 256;

type HeaderOp = readonly [name: string, value: string | null];

/**
 * Helmet's headers fitted to how the request arrived. `req.secure` is Express's view: TLS on this
 * socket, or `X-Forwarded-Proto: https` from a proxy that TRUST_PROXY trusts (set `trust proxy`
 * on the app before mounting this).
 *
 * The headers depend only on the scheme and on the socket origin derived from the Host, so helmet
 * runs once per distinct pair and its answer (each header set or removed, in order) is replayed
 * afterwards: the same headers, without rebuilding the policy on every request.
 */
export function securityHeaders(): RequestHandler {
  const overHttps = helmet(options(true));
  const overHttp = helmet(options(false));
  const cache = new Map<string, readonly HeaderOp[]>();
  return (req: Request, res: Response, next: NextFunction) => {
    const middleware = req.secure ? overHttps : overHttp;
    const key = `${req.secure ? 's' : 'p'}${sameOriginSocket(req) ?? ''}`;
    let ops = cache.get(key);
    if (!ops) {
      const recorded = record(middleware, req);
      if (!recorded || cache.size >= MAX_CACHED_VARIANTS) return middleware(req, res, next);
      cache.set(key, recorded);
      ops = recorded;
    }
    for (const [name, value] of ops) {
      if (value === null) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}

/** What helmet does to a response for this request, or undefined if it did not finish cleanly. */
function record(
  middleware: (req: Request, res: Response, next: (err?: unknown) => void) => void,
  req: Request,
): readonly HeaderOp[] | undefined {
  const ops: HeaderOp[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      ops.push([name, String(value)]);
      return recorder;
    },
    removeHeader(name: string) {
      ops.push([name, null]);
    },
  };
  let completed = false;
  middleware(req, recorder as unknown as Response, (err?: unknown) => {
    completed = err === undefined;
  });
  return completed ? ops : undefined;
}
