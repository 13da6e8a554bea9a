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

/**
 * Helmet's headers fitted to how the request arrived. `req.secure` is Express's view: TLS on this
 * socket, or `X-Forwarded-Proto: https` from a proxy that TRUST_PROXY trusts (set `trust proxy`
 * on the app before mounting this).
 */
export function securityHeaders(): RequestHandler {
  const overHttps = helmet(options(true));
  const overHttp = helmet(options(false));
  return (req: Request, res: Response, next: NextFunction) =>
    (req.secure ? overHttps : overHttp)(req, res, next);
}
