import express from 'express';
import type { AddressInfo } from 'node:net';
import { request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { untrustedProxyWarning } from './untrusted-proxy-warning';

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function start(trustProxy: boolean | string) {
  const lines: string[] = [];
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(untrustedProxyWarning((line) => lines.push(line)));
  app.get('/', (req, res) => void res.send(req.ip));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const get = (headers: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
  return { lines, get };
}

describe('untrustedProxyWarning', () => {
  it('says once that a proxy is not trusted, naming TRUST_PROXY and the shared limits', async () => {
    const { lines, get } = await start(false);
    expect(await get({ 'x-forwarded-for': '203.0.113.7' })).toBe('127.0.0.1');
    expect(await get({ 'x-forwarded-for': '203.0.113.8' })).toBe('127.0.0.1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('from 127.0.0.1');
    expect(lines[0]).toContain('TRUST_PROXY');
    expect(lines[0]).toContain('LOGIN_CODES_PER_IP');
  });

  it('also when TRUST_PROXY names another address than the proxy', async () => {
    const { lines, get } = await start('10.1.2.3');
    await get({ 'x-forwarded-for': '203.0.113.7' });
    expect(lines).toHaveLength(1);
  });

  it('stays quiet for direct clients and for a trusted proxy', async () => {
    const direct = await start(false);
    await direct.get();
    expect(direct.lines).toEqual([]);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const trusted = await start('loopback');
    expect(await trusted.get({ 'x-forwarded-for': '203.0.113.7' })).toBe('203.0.113.7');
    expect(trusted.lines).toEqual([]);
  });
});
