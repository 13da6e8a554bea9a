import { BlockList, isIP, LookupFunction } from 'node:net';
import { guardedLookup, isPrivateAddress, ResolveHost, systemResolve } from '@chatter/core';

export { systemResolve };
/** Resolves a host name to every address it has (injectable: tests resolve names privately). */
export type Resolve = ResolveHost;

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
    return guardedLookup((address) => this.allows(address, port), resolve);
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
