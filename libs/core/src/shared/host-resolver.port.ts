/**
 * Resolves a host name to its addresses (DNS in production). Lets use cases check where a URL a
 * user registers would connect, without the domain doing network I/O itself.
 */
export abstract class HostResolver {
  /** The host's addresses (a literal IP resolves to itself); rejects when it does not resolve. */
  abstract addresses(host: string): Promise<string[]>;
}
