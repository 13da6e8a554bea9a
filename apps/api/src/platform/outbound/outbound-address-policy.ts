import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP, LookupFunction } from 'node:net';
import { isPrivateAddress } from '@chatter/core';

/** Resolves a host name to every address it has (injectable: tests resolve names privately). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

export interface OutboundAddressPolicyOptions {
  /** Reach private, loopback and link-local addresses too (WEBHOOK_ALLOW_PRIVATE_TARGETS). */
  allowPrivate?: boolean;
  /** CIDR ranges the operator trusts despite being private (any port): tests, internal hosts. */
  allowRanges?: readonly string[];
  /** Ports public hosts may be reached on; absent: any. */
  ports?: readonly number[];
}

/**
 * Which addresses and ports the server's outbound requests for users (webhooks, link previews)
 * may connect to. Judged on the address actually connected to: after DNS, on every redirect.
 */
export class OutboundAddressPolicy {
  private readonly trusted = new BlockList();

  constructor(private readonly options: OutboundAddressPolicyOptions = {}) {
    for (const range of options.allowRanges ?? []) {
      const parsed = parseCidr(range);
      if (!parsed) throw new Error(`not a CIDR range: ${range}`);
      this.trusted.addSubnet(parsed.network, parsed.prefix, parsed.family);
    }
  }

  allows(address: string, port: number): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    if (this.trusted.check(address, family === 4 ? 'ipv4' : 'ipv6')) return true;
    if (!this.options.allowPrivate && isPrivateAddress(address)) return false;
    return !this.options.ports || this.options.ports.includes(port);
  }

  /**
   * A `lookup` for node:http(s) that resolves the name and keeps only addresses this policy
   * allows, so the socket connects to a checked address (no second, rebound, resolution).
   */
  lookup(port: number, resolve: Resolve = systemResolve): LookupFunction {
    return (hostname, options, callback) => {
      resolve(hostname).then(
        (addresses) => {
          const allowed = addresses.filter(
            (a) =>
              this.allows(a.address, port) &&
              (!options.family || options.family === a.family || options.family === 0),
          );
          if (allowed.length === 0)
            return callback(new Error('target address is private or loopback'), '', 0);
          if (options.all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
          callback(null, allowed[0]!.address, allowed[0]!.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }
}

/** `a.b.c.d/n` or `v6::/n` (a bare address is a single host). */
export function parseCidr(
  range: string,
): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [network = '', prefixText] = range.trim().split('/');
  const family = isIP(network);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { network, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}
