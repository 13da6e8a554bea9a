import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { LookupFunction } from 'node:net';

/** The error a refused connection fails with (callers match on its message). */
export const REFUSED_TARGET_MESSAGE = 'target address is private or loopback';

/** Resolves a host name to every address it has (injectable: tests resolve names privately). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: ResolveHost = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * A `lookup` for node:http(s) requests that checks every resolved address at connect time (so
 * a name that resolves, or later rebinds, to a refused address never gets a connection): the
 * socket connects to an address `allowed` accepted, with no second resolution. The one guard of
 * every outbound request made for users: push senders, webhooks and link previews (the latter
 * through `OutboundAddressPolicy`, which adds ports and operator ranges).
 */
export function guardedLookup(
  allowed: (address: string) => boolean,
  resolve: ResolveHost = systemResolve,
): LookupFunction {
  return (hostname, options, callback) => {
    const family =
      options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    resolve(hostname).then(
      (addresses) => {
        const usable = addresses.filter(
          (a) => allowed(a.address) && (family === 0 || a.family === family),
        );
        if (usable.length === 0) return callback(new Error(REFUSED_TARGET_MESSAGE), '', 0);
        if (options.all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
        callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
