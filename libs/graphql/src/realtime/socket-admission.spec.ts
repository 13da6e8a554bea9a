import { describe, expect, it } from 'vitest';
import {
  Clock,
  DomainError,
  InMemoryRateLimiter,
  RateLimitDecision,
  RateLimiter,
} from '@chatter/core';
import { SOCKET_CAP_RETRY_AFTER_SECONDS, SocketAdmission } from './socket-admission';

class ManualClock extends Clock {
  constructor(public ms: number) {
    super();
  }
  now(): Date {
    return new Date(this.ms);
  }
}

/** A shared limiter whose backing store (Redis) cannot be reached. */
class UnreachableLimiter extends RateLimiter {
  calls = 0;
  async consume(): Promise<RateLimitDecision> {
    this.calls++;
    throw new DomainError('UNAVAILABLE', 'rate limit store unreachable');
  }
  async reset(): Promise<void> {}
}

const admission = (max: number, limit: number, limiter: RateLimiter = new InMemoryRateLimiter()) =>
  new SocketAdmission(limiter, {
    maxSocketsPerAddress: max,
    connectsPerAddress: { limit, windowMs: 10_000 },
  });

describe('SocketAdmission', () => {
  it('caps open sockets per address, counts every socket of the address, and frees a slot on close', () => {
    const a = admission(2, 0);
    expect(a.atCapacity('10.0.0.1')).toBeNull();
    a.opened('10.0.0.1');
    a.opened('10.0.0.1');
    expect(a.atCapacity('10.0.0.1')).toEqual({
      reason: 'sockets_per_ip',
      retryAfterSeconds: SOCKET_CAP_RETRY_AFTER_SECONDS,
    });
    expect(a.atCapacity('10.0.0.2')).toBeNull();
    a.closed('10.0.0.1');
    expect(a.atCapacity('10.0.0.1')).toBeNull();
    expect(a.openFrom('10.0.0.1')).toBe(1);
  });

  it('forgets an address once its last socket closes, and never counts below zero', () => {
    const a = admission(1, 0);
    a.opened('::1');
    a.closed('::1');
    a.closed('::1');
    expect(a.addresses).toBe(0);
    expect(a.openFrom('::1')).toBe(0);
    a.opened('::1');
    expect(a.atCapacity('::1')).not.toBeNull();
  });

  it('has no cap at 0', () => {
    const a = admission(0, 0);
    for (let i = 0; i < 5000; i++) a.opened('127.0.0.1');
    expect(a.atCapacity('127.0.0.1')).toBeNull();
  });

  it('limits new sockets per address per window with a retry hint, and recovers with the next window', async () => {
    const clock = new ManualClock(1_000_000);
    const a = admission(0, 3, new InMemoryRateLimiter({ clock }));
    expect(a.limitsConnects).toBe(true);
    for (let i = 0; i < 3; i++) expect(await a.consumeConnect('10.0.0.1')).toBeNull();
    clock.ms += 2_500;
    expect(await a.consumeConnect('10.0.0.1')).toEqual({
      reason: 'connects_per_ip',
      retryAfterSeconds: 8,
    });
    expect(await a.consumeConnect('10.0.0.2')).toBeNull();
    clock.ms += 7_500;
    expect(await a.consumeConnect('10.0.0.1')).toBeNull();
  });

  it('does not consult the limiter when the rate is off', async () => {
    const limiter = new UnreachableLimiter();
    const a = admission(10, 0, limiter);
    expect(a.limitsConnects).toBe(false);
    expect(await a.consumeConnect('10.0.0.1')).toBeNull();
    expect(limiter.calls).toBe(0);
  });

  it('fails open while the shared limiter is unavailable, as the other rate limits do', async () => {
    const limiter = new UnreachableLimiter();
    const a = admission(10, 1, limiter);
    expect(await a.consumeConnect('10.0.0.1')).toBeNull();
    expect(await a.consumeConnect('10.0.0.1')).toBeNull();
    expect(limiter.calls).toBe(2);
  });

  it('counts an IPv6 client by its /64, for open sockets and for new ones', async () => {
    const a = admission(2, 3);
    a.opened('2001:db8:5:6::1');
    a.opened('2001:db8:5:6:ffff::2');
    expect(a.atCapacity('2001:db8:5:6::3')).toMatchObject({ reason: 'sockets_per_ip' });
    expect(a.atCapacity('2001:db8:5:7::1')).toBeNull();
    a.closed('2001:db8:5:6::1');
    expect(a.openFrom('2001:db8:5:6:1:2:3:4')).toBe(1);
    const refusals = [];
    for (let i = 1; i <= 4; i++) refusals.push(await a.consumeConnect(`2001:db8:9:9::${i}`));
    expect(refusals.map((r) => r?.reason ?? null)).toEqual([null, null, null, 'connects_per_ip']);
  });
});
