import { addressGroup, DomainError, enforceRateLimit, RateLimiter } from '@chatter/core';

export interface SocketAdmissionOptions {
  /** Most sockets one client address may hold open on this instance; 0 = no cap. */
  maxSocketsPerAddress: number;
  /** New sockets per client address per window, counted by the (shared) rate limiter; limit 0 = off. */
  connectsPerAddress: { limit: number; windowMs: number };
}

export interface SocketRefusal {
  reason: 'sockets_per_ip' | 'connects_per_ip';
  retryAfterSeconds: number;
}

/** What a client refused for holding too many sockets is told to wait: any of them may close at any time. */
export const SOCKET_CAP_RETRY_AFTER_SECONDS = 5;

/**
 * Per-client-address socket limits: a cap on sockets open at once on this instance (counted in
 * memory) and a rate of new sockets shared by every instance (the RateLimiter port: Redis when
 * clustered). Like the other rate limits, the rate fails open while the shared limiter is
 * unavailable. An IPv6 client counts by its /64, like every per-address limit.
 */
export class SocketAdmission {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly options: SocketAdmissionOptions,
  ) {}

  /** Whether new sockets are counted against a rate at all (else admission needs no I/O). */
  get limitsConnects(): boolean {
    return this.options.connectsPerAddress.limit > 0;
  }

  /**
   * The refusal when this address already holds its maximum of open sockets here. Synchronous, so
   * that a check made right before accepting (and counting) a socket cannot race another.
   */
  atCapacity(address: string): SocketRefusal | null {
    const max = this.options.maxSocketsPerAddress;
    if (max <= 0 || (this.open.get(addressGroup(address)) ?? 0) < max) return null;
    return { reason: 'sockets_per_ip', retryAfterSeconds: SOCKET_CAP_RETRY_AFTER_SECONDS };
  }

  /** Counts one new socket against the address's budget; the refusal when it is spent. */
  async consumeConnect(address: string): Promise<SocketRefusal | null> {
    const rule = this.options.connectsPerAddress;
    if (rule.limit <= 0) return null;
    try {
      await enforceRateLimit(
        this.limiter,
        `ws:ip:${addressGroup(address)}`,
        rule,
        'connections from this address',
      );
      return null;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RATE_LIMITED') {
        return {
          reason: 'connects_per_ip',
          retryAfterSeconds: Number(error.details.retryAfterSeconds ?? 1),
        };
      }
      throw error;
    }
  }

  opened(address: string): void {
    const group = addressGroup(address);
    this.open.set(group, (this.open.get(group) ?? 0) + 1);
  }

  closed(address: string): void {
    const group = addressGroup(address);
    const left = (this.open.get(group) ?? 0) - 1;
    if (left > 0) this.open.set(group, left);
    else this.open.delete(group);
  }

  /** Sockets this address (its /64 for IPv6) holds open here. */
  openFrom(address: string): number {
    return this.open.get(addressGroup(address)) ?? 0;
  }

  /** Addresses holding at least one socket (the map never keeps an address at zero). */
  get addresses(): number {
    return this.open.size;
  }
}
