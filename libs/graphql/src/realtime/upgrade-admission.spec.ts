import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InMemoryRateLimiter } from '@chatter/core';
import { SocketAdmission } from './socket-admission';
import { UpgradeAdmission, UpgradeAdmissionOptions } from './upgrade-admission';

class FakeTcp {
  writable = true;
  written = '';
  destroyed = false;
  listeners = 0;
  write(s: string) {
    this.written += s;
    return true;
  }
  destroy() {
    this.destroyed = true;
  }
  on() {
    this.listeners++;
    return this;
  }
  off() {
    this.listeners--;
    return this;
  }
}

const request = (
  headers: Record<string, string> = {},
  remoteAddress = '10.0.0.9',
  url = '/graphql',
) =>
  ({
    url,
    headers: { host: 'chat.example', ...headers },
    socket: { remoteAddress },
    connection: { remoteAddress },
  }) as unknown as IncomingMessage;

function setup(options: Partial<UpgradeAdmissionOptions> = {}, limits = { max: 0, rate: 0 }) {
  const refused: string[] = [];
  const socketLimits = new SocketAdmission(new InMemoryRateLimiter(), {
    maxSocketsPerAddress: limits.max,
    connectsPerAddress: { limit: limits.rate, windowMs: 10_000 },
  });
  const admission = new UpgradeAdmission(
    {
      path: '/graphql',
      isOriginAllowed: (origin) => origin === undefined || origin === 'https://chat.example',
      trustProxy: false,
      ...options,
    },
    socketLimits,
    { refused: (r) => refused.push(r), error: () => undefined },
  );
  const admit = async (req: IncomingMessage) => {
    const tcp = new FakeTcp();
    let accepted: string | null = null;
    admission.admit(req, tcp as unknown as Duplex, (ip) => (accepted = ip));
    await new Promise((r) => setTimeout(r, 5)); // the connect rate answers asynchronously
    return { tcp, accepted: accepted as string | null };
  };
  return { admission, socketLimits, refused, admit };
}

describe('UpgradeAdmission', () => {
  it('drops an upgrade whose peer is already gone (no address to count it under)', async () => {
    const { admit, refused } = setup({}, { max: 5, rate: 5 });
    const gone = request({}, undefined as unknown as string);
    (gone.socket as { remoteAddress?: string }).remoteAddress = undefined;
    (gone as unknown as { connection: { remoteAddress?: string } }).connection.remoteAddress =
      undefined;
    const { tcp, accepted } = await admit(gone);
    expect(accepted).toBeNull();
    expect(tcp.destroyed).toBe(true);
    expect(tcp.written).toBe('');
    expect(refused).toEqual([]);
  });

  it('handles only its own path', () => {
    const { admission } = setup();
    expect(admission.handles(request({}, '1.1.1.1', '/graphql?x=1'))).toBe(true);
    expect(admission.handles(request({}, '1.1.1.1', '/other'))).toBe(false);
  });

  it('accepts a non-browser client and an allowed Origin, and refuses another Origin with 403', async () => {
    const { admit } = setup();
    expect((await admit(request())).accepted).toBe('10.0.0.9');
    expect((await admit(request({ origin: 'https://chat.example' }))).accepted).toBe('10.0.0.9');
    const evil = await admit(request({ origin: 'https://evil.example' }));
    expect(evil.accepted).toBeNull();
    expect(evil.tcp.written).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(evil.tcp.destroyed).toBe(true);
  });

  it('uses X-Forwarded-For only from trusted proxies', async () => {
    const untrusted = setup();
    expect(
      (await untrusted.admit(request({ 'x-forwarded-for': '203.0.113.7' }, '127.0.0.1'))).accepted,
    ).toBe('127.0.0.1');
    const trusted = setup({ trustProxy: ['loopback'] });
    expect(
      (await trusted.admit(request({ 'x-forwarded-for': '203.0.113.7' }, '127.0.0.1'))).accepted,
    ).toBe('203.0.113.7');
  });

  it('refuses an address at its socket cap with 429 and Retry-After', async () => {
    const { admit, socketLimits, refused } = setup({}, { max: 1, rate: 0 });
    socketLimits.opened('10.0.0.9');
    const full = await admit(request());
    expect(full.accepted).toBeNull();
    expect(full.tcp.written).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\nRetry-After: 5\r\n/);
    expect(refused).toEqual(['sockets_per_ip']);
    expect((await admit(request({}, '10.0.0.10'))).accepted).toBe('10.0.0.10');
  });

  it('refuses new sockets beyond the connect rate, and stops listening for early errors once decided', async () => {
    const { admit, refused } = setup({}, { max: 0, rate: 2 });
    const first = await admit(request());
    expect(first.accepted).toBe('10.0.0.9');
    expect(first.tcp.listeners).toBe(0);
    await admit(request());
    const third = await admit(request());
    expect(third.accepted).toBeNull();
    expect(third.tcp.written).toMatch(/^HTTP\/1\.1 429 /);
    expect(refused).toEqual(['connects_per_ip']);
  });

  it('refuses every upgrade with 503 once stopped (draining)', async () => {
    const { admission, admit } = setup();
    admission.stop();
    const late = await admit(request());
    expect(late.accepted).toBeNull();
    expect(late.tcp.written).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
  });
});
