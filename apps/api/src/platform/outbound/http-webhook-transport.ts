import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import {
  guardedLookup,
  isPrivateAddress,
  REFUSED_TARGET_MESSAGE,
  WebhookResponse,
  WebhookTransport,
} from '@chatter/core';

export interface HttpWebhookTransportOptions {
  /** Operator setting: let webhooks reach loopback and private addresses (tests, internal hosts). */
  allowPrivateTargets: boolean;
  timeoutMs: number;
}

/** At most this much of a response is read (then the connection is dropped). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Webhook POSTs over node:http(s). The target's address is checked at connect time, after DNS
 * resolution (so a name that resolves, or later rebinds, to a private address is refused), and
 * for literal IP hosts before connecting. No redirects are followed (a 3xx is a failed attempt).
 */
export class HttpWebhookTransport extends WebhookTransport {
  constructor(private readonly options: HttpWebhookTransportOptions) {
    super();
  }

  override post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<WebhookResponse> {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.options.allowPrivateTargets && isPrivateAddress(host))
      return Promise.reject(new Error(REFUSED_TARGET_MESSAGE));
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<WebhookResponse>((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          headers: {
            ...headers,
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'Chatter-Webhooks',
          },
          lookup: this.guardedLookup,
          timeout: this.options.timeoutMs,
        },
        (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) res.destroy();
          });
          res.on('close', () => resolve({ status: res.statusCode ?? 0 }));
          res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => reject(new Error(safeMessage(error))));
      req.end(body);
    });
  }

  private readonly guardedLookup = guardedLookup(
    (address) => this.options.allowPrivateTargets || !isPrivateAddress(address),
  );
}

function safeMessage(error: Error): string {
  if (/private or loopback|timed out/.test(error.message)) return error.message;
  const code = (error as { code?: string }).code;
  return code ? `connection failed (${code})` : 'connection failed';
}
