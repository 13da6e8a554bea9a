import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { OutboundAddressPolicy, Resolve, systemResolve } from './outbound-address-policy';

export interface GuardedGetOptions {
  policy: OutboundAddressPolicy;
  /** Whole request, redirects included. */
  timeoutMs: number;
  maxRedirects: number;
  /** At most this many body bytes are read. */
  maxBytes: number;
  /** true: a longer body is cut at maxBytes (HTML); false: it is refused (images). */
  truncate: boolean;
  /** Whether a response's media type (lower case, no parameters) is wanted. */
  accept: (mediaType: string) => boolean;
  acceptHeader: string;
  resolve?: Resolve;
  userAgent?: string;
}

export interface GuardedResponse {
  /** The address that answered, after redirects. */
  url: string;
  mediaType: string;
  /** The `charset` parameter of its Content-Type, lower case, if any. */
  charset: string | null;
  body: Buffer;
}

/** Why a fetch was refused or failed (never echoed to users; tests assert on it). */
export class OutboundRefused extends Error {}

/**
 * GET over node:http(s) for content users name (link previews): only http(s), no credentials,
 * every connection made to an address the policy allows (literal IPs before connecting, names
 * after DNS at connect time, on every redirect), bounded redirects, bytes and time, no content
 * encodings (no decompression bombs). Rejects with {@link OutboundRefused} or a network error.
 */
export async function guardedGet(
  url: string,
  options: GuardedGetOptions,
): Promise<GuardedResponse> {
  const deadline = Date.now() + options.timeoutMs;
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await once(current, options, deadline);
    if ('redirect' in response) {
      if (hop >= options.maxRedirects) throw new OutboundRefused('too many redirects');
      current = response.redirect;
      continue;
    }
    return response;
  }
}

function checkTarget(raw: string, policy: OutboundAddressPolicy): { target: URL; port: number } {
  let target: URL;
  try {
    target = new URL(raw);
  } catch {
    throw new OutboundRefused('not a URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new OutboundRefused('only http and https are fetched');
  if (target.username || target.password) throw new OutboundRefused('credentials in the URL');
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  // The WHATWG parser already turned decimal, octal and hex IPv4 forms into dotted quads.
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !policy.allows(host, port))
    throw new OutboundRefused('target address is private or loopback');
  return { target, port };
}

function once(
  raw: string,
  options: GuardedGetOptions,
  deadline: number,
): Promise<GuardedResponse | { redirect: string }> {
  const { target, port } = checkTarget(raw, options.policy);
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new OutboundRefused('timed out'));
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(new OutboundRefused('timed out')), remaining);
    const done =
      <T>(settle: (value: T) => void) =>
      (value: T) => {
        clearTimeout(timer);
        settle(value);
      };
    const ok = done(resolve);
    const fail = done(reject);
    const req = request(
      target,
      {
        method: 'GET',
        agent: false,
        headers: {
          accept: options.acceptHeader,
          'accept-encoding': 'identity',
          'user-agent': options.userAgent ?? 'ChatterLinkPreview/1.0',
        },
        lookup: options.policy.lookup(port, options.resolve ?? systemResolve),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && status !== 304) {
          res.resume();
          req.destroy();
          const location = res.headers.location;
          if (!location) return fail(new OutboundRefused(`redirect without a location`));
          try {
            return ok({ redirect: new URL(location, target).href });
          } catch {
            return fail(new OutboundRefused('bad redirect location'));
          }
        }
        if (status !== 200) {
          req.destroy();
          return fail(new OutboundRefused(`status ${status}`));
        }
        const encoding = (res.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
        if (encoding !== 'identity') {
          req.destroy();
          return fail(new OutboundRefused('content encodings are not accepted'));
        }
        const [mediaType, charset] = contentType(res);
        if (!options.accept(mediaType)) {
          req.destroy();
          return fail(new OutboundRefused(`unwanted type ${mediaType || '(none)'}`));
        }
        const declared = Number(res.headers['content-length']);
        if (!options.truncate && Number.isFinite(declared) && declared > options.maxBytes) {
          req.destroy();
          return fail(new OutboundRefused('too large'));
        }
        const chunks: Buffer[] = [];
        let read = 0;
        const finish = () =>
          ok({ url: target.href, mediaType, charset, body: Buffer.concat(chunks) });
        res.on('data', (chunk: Buffer) => {
          if (read >= options.maxBytes) return;
          const room = options.maxBytes - read;
          if (chunk.length > room && !options.truncate) {
            req.destroy();
            return fail(new OutboundRefused('too large'));
          }
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
          read += Math.min(chunk.length, room);
          if (read >= options.maxBytes) {
            finish();
            req.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

function contentType(res: IncomingMessage): [string, string | null] {
  const header = res.headers['content-type'] ?? '';
  const [type = '', ...params] = header.split(';');
  const charset = params
    .map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p)?.[1])
    .find((c) => c !== undefined);
  return [type.trim().toLowerCase(), charset?.toLowerCase() ?? null];
}
