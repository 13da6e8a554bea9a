import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { HostResolver } from '@chatter/core';

/** Host names through the system resolver (as node:http would connect); literal IPs as is. */
export class DnsHostResolver extends HostResolver {
  async addresses(host: string): Promise<string[]> {
    if (isIP(host)) return [host];
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((a) => a.address);
  }
}
