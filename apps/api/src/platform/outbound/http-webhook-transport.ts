import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { WebhookResponse, WebhookTransport } from '@chatter/core';
import { OutboundAddressPolicy } from './outbound-address-policy';

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
  private readonly policy: OutboundAddressPolicy;

  constructor(private readonly options: HttpWebhookTransportOptions) {
    super();
    this.policy = new OutboundAddressPolicy({ allowPrivate: options.allowPrivateTargets });
  }

  override post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<WebhookResponse> {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
    if (isIP(host) && !this.policy.allows(host, port))
      return Promise.reject(new Error('target address is private or loopback'));
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
          lookup: this.policy.lookup(port),
          timeout: this.options.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let read = 0;
          let tooLarge = false;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) {
              tooLarge = true;
              res.destroy();
            } else chunks.push(chunk);
          });
          const answer = (complete: boolean) =>
            resolve({
              status: res.statusCode ?? 0,
              // A body cut short (too large, or the connection dropped) is no answer to read.
              body: complete && !tooLarge ? Buffer.concat(chunks).toString('utf8') : null,
              contentType: res.headers['content-type'] ?? null,
            });
          res.on('end', () => answer(true));
          res.on('close', () => answer(false));
          res.on('error', () => answer(false));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => reject(new Error(safeMessage(error))));
      req.end(body);
    });
  }
}

function safeMessage(error: Error): string {
  if (/private or loopback|timed out/.test(error.message)) return error.message;
  const code = (error as { code?: string }).code;
  return code ? `connection failed (${code})` : 'connection failed';
}
