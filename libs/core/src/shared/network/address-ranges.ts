import { BlockList, isIP } from 'node:net';
import { isPrivateAddress } from './private-address';

/**
 * Operator-allowed address ranges (CIDR, e.g. `127.0.0.0/8`, `::1/128`): a private address inside
 * one is accepted. Returns the problem with the first malformed entry, or the ranges.
 */
export function addressRanges(ranges: readonly string[]): BlockList | string {
  const list = new BlockList();
  for (const range of ranges) {
    const [net, bits, extra] = range.trim().split('/');
    const family = isIP(net ?? '');
    const max = family === 4 ? 32 : 128;
    const prefix = Number(bits);
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(bits ?? '') || prefix > max)
      return `"${range}" is not an address range such as 127.0.0.0/8 or ::1/128`;
    list.addSubnet(net!, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/**
 * Whether an outbound request may connect to `address`: public addresses always, private ones
 * only inside the operator's allowed ranges.
 */
export function isAllowedTarget(address: string, allowed: BlockList | null): boolean {
  if (!isPrivateAddress(address)) return true;
  if (!allowed) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  const family = isIP(ip);
  return family !== 0 && allowed.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * `isAllowedTarget` over the operator's ranges as configured (validated when the configuration
 * loads; a malformed list allows no private address).
 */
export function allowedTargets(ranges: readonly string[]): (address: string) => boolean {
  const list = addressRanges(ranges);
  const allowed = typeof list === 'string' ? null : list;
  return (address) => isAllowedTarget(address, allowed);
}
