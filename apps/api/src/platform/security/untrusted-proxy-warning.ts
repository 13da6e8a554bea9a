import type { NextFunction, Request, Response } from 'express';

/**
 * Says once, in the log, that requests come through a proxy Chatter does not trust: every client
 * behind it then has the proxy's address, so the limits counted per address (login codes per
 * address, sockets per address) are one budget shared by all users, and HTTPS at the proxy goes
 * unnoticed. Seen as an `X-Forwarded-For` that Express did not honour (TRUST_PROXY off, or not
 * naming this proxy). A client may send the header itself, hence advice rather than an error.
 */
export function untrustedProxyWarning(warn: (line: string) => void) {
  let warned = false;
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (
      !warned &&
      req.headers['x-forwarded-for'] !== undefined &&
      req.ip === req.socket.remoteAddress
    ) {
      warned = true;
      warn(
        `requests arrive with X-Forwarded-For from ${req.socket.remoteAddress ?? 'an unknown address'}, which TRUST_PROXY does not trust: ` +
          'if Chatter runs behind a proxy, every user shares its address and one budget of the per-address limits (LOGIN_CODES_PER_IP, WS_MAX_SOCKETS_PER_IP, WS_CONNECTS_PER_IP), and HTTPS at the proxy is not seen. ' +
          "Set TRUST_PROXY to the proxy's address (or a hop count).",
      );
    }
    next();
  };
}
