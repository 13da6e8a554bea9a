import express from 'express';
import type { AddressInfo } from 'node:net';
import { request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { sameOriginSocket, securityHeaders } from './security-headers';

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function start(trustProxy: boolean | string): Promise<string> {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(securityHeaders());
  app.get('/', (_req, res) => void res.send('<!doctype html>'));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** node:http rather than fetch: fetch will not send a Host header of our choosing. */
function headersOf(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ csp: string; hsts: string | null }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          csp: String(res.headers['content-security-policy'] ?? ''),
          hsts: (res.headers['strict-transport-security'] as string | undefined) ?? null,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `) || d === name);

describe('security headers over plain HTTP', () => {
  it('keep the CSP but neither upgrade requests nor send HSTS', async () => {
    const url = await start(false);
    const { csp, hsts } = await headersOf(url);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(hsts).toBeNull();
    expect(directive(csp, 'default-src')).toBe("default-src 'self'");
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'object-src')).toBe("object-src 'none'");
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'self'");
    // Local previews of files being attached are blob: images; scripts never come from blob:.
    expect(directive(csp, 'img-src')).toContain('blob:');
  });

  it('allow sockets to this host only, with the scheme the page uses', async () => {
    const url = await start(false);
    const port = new URL(url).port;
    const { csp } = await headersOf(url);
    expect(directive(csp, 'connect-src')).toBe(`connect-src 'self' ws://127.0.0.1:${port}`);
    const named = await headersOf(url, { host: `chat-server:${port}` });
    expect(directive(named.csp, 'connect-src')).toBe(`connect-src 'self' ws://chat-server:${port}`);
  });

  it('ignore X-Forwarded-Proto from a proxy that is not trusted', async () => {
    const url = await start(false);
    const { csp, hsts } = await headersOf(url, { 'x-forwarded-proto': 'https' });
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(hsts).toBeNull();
    expect(directive(csp, 'connect-src')).toMatch(/^connect-src 'self' ws:\/\//);
  });

  it('never copy a malformed Host into the policy', async () => {
    const url = await start(false);
    for (const host of ['evil.example; script-src *', 'a b', 'x/y', "'unsafe-eval'"]) {
      const { csp } = await headersOf(url, { host });
      expect(directive(csp, 'connect-src'), host).toBe("connect-src 'self'");
      expect(directive(csp, 'script-src'), host).toBe("script-src 'self'");
    }
  });
});

describe('security headers over HTTPS (per TRUST_PROXY)', () => {
  it('upgrade insecure requests, send HSTS and allow only wss: to this host', async () => {
    const url = await start('loopback');
    const { csp, hsts } = await headersOf(url, {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'chat.example.com',
    });
    expect(directive(csp, 'upgrade-insecure-requests')).toBe('upgrade-insecure-requests');
    expect(hsts).toBe('max-age=31536000; includeSubDomains');
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' wss://chat.example.com");
  });
});

describe('sameOriginSocket', () => {
  it.each([
    [{ secure: false, host: 'chat-server:3000' }, 'ws://chat-server:3000'],
    [{ secure: true, host: 'Chat.Example.com' }, 'wss://chat.example.com'],
    [{ secure: false, host: '[::1]:3000' }, 'ws://[::1]:3000'],
    [{ secure: false, host: '192.168.1.20' }, 'ws://192.168.1.20'],
    [{ secure: false, host: '' }, undefined],
    [{ secure: false, host: 'a.b;c' }, undefined],
  ])('%j → %s', (req, expected) => {
    expect(sameOriginSocket(req)).toBe(expected);
  });
});

/** Every response header except those that change per response. */
function allHeadersOf(url: string, headers: Record<string, string> = {}) {
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const { date: _date, ...rest } = res.headers;
        resolve(rest);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security headers computed once per scheme and host', () => {
  it('answer a repeated request with the very headers of the first', async () => {
    const url = await start('loopback');
    const port = new URL(url).port;
    const variants: Record<string, string>[] = [
      {},
      { host: `chat-server:${port}` },
      { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'chat.example.com' },
      { host: 'evil.example; script-src *' },
    ];
    for (const extra of variants) {
      const first = await allHeadersOf(url, extra);
      expect(first['x-powered-by']).toBeUndefined();
      expect(first['x-content-type-options']).toBe('nosniff');
      expect(await allHeadersOf(url, extra)).toEqual(first);
    }
  });

  it('give every host its own policy, past the number of remembered hosts too', async () => {
    const url = await start(false);
    const port = new URL(url).port;
    const over = await allHeadersOf(url, { 'x-forwarded-proto': 'https' });
    for (let i = 0; i < 300; i++) {
      const { csp, hsts } = await headersOf(url, { host: `h${i}.example:${port}` });
      expect(directive(csp, 'connect-src')).toBe(`connect-src 'self' ws://h${i}.example:${port}`);
      expect(hsts).toBeNull();
    }
    const { csp } = await headersOf(url);
    expect(directive(csp, 'connect-src')).toBe(`connect-src 'self' ws://127.0.0.1:${port}`);
    expect(await allHeadersOf(url, { 'x-forwarded-proto': 'https' })).toEqual(over);
  });
});
