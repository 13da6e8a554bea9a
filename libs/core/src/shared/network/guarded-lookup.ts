import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { LookupFunction } from 'node:net';

/** The error a refused connection fails with (callers match on its message). */
export const REFUSED_TARGET_MESSAGE = 'target address is private or loopback';

/**
 * A `lookup` for node:http(s) requests that checks every resolved address at connect time (so
 * a name that resolves, or later rebinds, to a refused address never gets a connection). Used by
 * webhooks and by push senders with their own `allowed` predicate.
 */
export function guardedLookup(allowed: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const usable = addresses.filter((a) => allowed(a.address));
      if (usable.length === 0) return callback(new Error(REFUSED_TARGET_MESSAGE), '', 0);
      if (options.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
