import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import proxyAddr from 'proxy-addr';
import { SocketAdmission, SocketRefusal } from './socket-admission';

export interface UpgradeAdmissionOptions {
  /** The endpoint's path; upgrades to other paths are left to whoever else listens. */
  path: string;
  /** Whether a browser page from this Origin may open a socket (no Origin = non-browser client). */
  isOriginAllowed: (origin: string | undefined, host: string | undefined) => boolean;
  /** Which proxies' X-Forwarded-For is trusted: the TRUST_PROXY setting (as for Express). */
  trustProxy: boolean | number | readonly string[];
}

export interface UpgradeAdmissionHooks {
  /** An upgrade refused with 429 by a per-address limit. */
  refused(reason: SocketRefusal['reason']): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Decides whether an HTTP upgrade becomes a socket, before any WebSocket work: the path, whether
 * the server still accepts sockets (503 while draining), the Origin (403), and the per-address
 * limits of SocketAdmission (429 with Retry-After). An admitted upgrade is handed to `accept`
 * with the client address, in the same tick as the last capacity check.
 */
export class UpgradeAdmission {
  private readonly trust: (addr: string, i: number) => boolean;
  private accepting = true;

  constructor(
    private readonly options: UpgradeAdmissionOptions,
    private readonly limits: SocketAdmission,
    private readonly hooks: UpgradeAdmissionHooks,
  ) {
    const t = options.trustProxy;
    this.trust =
      typeof t === 'boolean'
        ? () => t
        : typeof t === 'number'
          ? (_a, i) => i < t
          : proxyAddr.compile([...t]);
  }

  /** From now on every upgrade is refused with 503 (the server is draining). */
  stop(): void {
    this.accepting = false;
  }

  /** Whether this upgrade is for the endpoint's path (else someone else's, or nobody's). */
  handles(request: IncomingMessage): boolean {
    return (request.url ?? '').split('?')[0] === this.options.path;
  }

  admit(request: IncomingMessage, socket: Duplex, accept: (clientIp: string) => void): void {
    const refuse = (status: number, text: string, headers = '') => {
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${status} ${text}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`,
        );
      socket.destroy();
    };
    const tooMany = (refusal: SocketRefusal) => {
      this.hooks.refused(refusal.reason);
      refuse(429, 'Too Many Requests', `Retry-After: ${refusal.retryAfterSeconds}\r\n`);
    };
    if (!this.accepting) return refuse(503, 'Service Unavailable');
    if (!this.options.isOriginAllowed(request.headers.origin, request.headers.host))
      return refuse(403, 'Forbidden');
    const ip = clientIp(request, this.trust);
    // The peer is already gone (reset during the upgrade: its address can no longer be read):
    // there is nobody to answer, and nothing to count it under.
    if (ip === undefined) return void socket.destroy();
    // Checked again right before accepting, in the same tick as the socket is counted.
    const acceptNow = () => {
      const full = this.limits.atCapacity(ip);
      if (full) return tooMany(full);
      accept(ip);
    };
    const full = this.limits.atCapacity(ip);
    if (full) return tooMany(full);
    if (!this.limits.limitsConnects) return acceptNow();
    // Nobody listens for socket errors between the upgrade event and handleUpgrade: a reset
    // while the (Redis) rate limiter answers must not become an uncaught error.
    const onEarlyError = () => socket.destroy();
    socket.on('error', onEarlyError);
    this.limits.consumeConnect(ip).then(
      (limited) => {
        socket.off('error', onEarlyError);
        if (limited) return tooMany(limited);
        if (!this.accepting) return refuse(503, 'Service Unavailable');
        acceptNow();
      },
      (err: unknown) => {
        socket.off('error', onEarlyError);
        this.hooks.error({ err }, 'websocket admission failed');
        refuse(500, 'Internal Server Error');
      },
    );
  }
}

/** The client address, honouring X-Forwarded-For only from proxies the operator trusts (as Express does). */
export function clientIp(
  request: IncomingMessage,
  trust: (addr: string, i: number) => boolean,
): string | undefined {
  // Without a peer address (a connection reset before it was read) proxy-addr returns undefined.
  if (request.socket.remoteAddress === undefined) return undefined;
  try {
    return proxyAddr(request, trust) ?? request.socket.remoteAddress;
  } catch {
    return request.socket.remoteAddress;
  }
}
