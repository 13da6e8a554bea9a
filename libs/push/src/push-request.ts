import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, REFUSED_TARGET_MESSAGE } from '@chatter/core';

/** At most this much of a push service's answer is read. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Raised when the push endpoint is (or resolves to) an address the operator did not allow. */
export class RefusedTargetError extends Error {
  constructor() {
    super(REFUSED_TARGET_MESSAGE);
    this.name = 'RefusedTargetError';
  }
}

export interface PushRequestOptions {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs: number;
  /** Whether a connection to this address is allowed (default: public addresses only). */
  allowTarget?: (address: string) => boolean;
}

export const publicAddressesOnly = (address: string): boolean => !isPrivateAddress(address);

/**
 * One request to a push service or gateway over node:http(s). The address is checked at connect
 * time after DNS (a name that resolves or rebinds to a private address gets no connection), and
 * before connecting for a literal IP; redirects are not followed; the answer is capped.
 */
export function pushRequest(
  url: string,
  options: PushRequestOptions,
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const allowed = options.allowTarget ?? publicAddressesOnly;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !allowed(host)) return Promise.reject(new RefusedTargetError());
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: options.method,
        headers: { ...options.headers, 'content-length': String(body?.length ?? 0) },
        lookup: guardedLookup(allowed),
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
          else chunks.push(chunk);
        });
        const done = () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) =>
      reject(error.message === REFUSED_TARGET_MESSAGE ? new RefusedTargetError() : error),
    );
    req.end(body);
  });
}
