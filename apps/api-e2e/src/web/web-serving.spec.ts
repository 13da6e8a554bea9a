// How the API serves the built web app and its own answers: security headers that fit the
// scheme the request came over, `/` for any client, precompressed assets and compressed GraphQL.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiProcess, removeDataDir, startApi } from '../support';

const WEB_DIST = resolve(__dirname, '../../../web/dist');

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http, not fetch: fetch decodes bodies and will not send some headers of our choosing. */
function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Raw>((resolveRaw, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers ?? {} },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolveRaw({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const directive = (csp: unknown, name: string) =>
  String(csp ?? '')
    .split(';')
    .map((d) => d.trim())
    .find((d) => d === name || d.startsWith(`${name} `));

let api: ApiProcess;
let proxied: ApiProcess;
beforeAll(async () => {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error(`${WEB_DIST} is not built: run "npm run build" first`);
  [api, proxied] = await Promise.all([
    startApi({ INTROSPECTION: 'true' }),
    startApi({ TRUST_PROXY: 'loopback' }),
  ]);
});
afterAll(async () => {
  for (const p of [api, proxied]) {
    if (!p) continue;
    await p.stop();
    removeDataDir(p);
  }
});

describe('security headers', () => {
  it('over plain HTTP: the CSP without upgrade-insecure-requests, no HSTS, sockets to this host only', async () => {
    for (const path of ['/', '/graphql?query=%7B__typename%7D']) {
      const res = await raw(`${api.url}${path}`, { headers: { host: `chat-server:${api.port}` } });
      const csp = res.headers['content-security-policy'];
      expect(directive(csp, 'upgrade-insecure-requests'), path).toBeUndefined();
      expect(res.headers['strict-transport-security'], path).toBeUndefined();
      expect(directive(csp, 'connect-src'), path).toBe(
        `connect-src 'self' ws://chat-server:${api.port}`,
      );
      expect(directive(csp, 'default-src'), path).toBe("default-src 'self'");
      expect(directive(csp, 'script-src'), path).toBe("script-src 'self'");
    }
  });

  it('X-Forwarded-Proto from an untrusted peer changes nothing', async () => {
    const res = await raw(`${api.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(
      directive(res.headers['content-security-policy'], 'upgrade-insecure-requests'),
    ).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('X-Forwarded-For that TRUST_PROXY does not trust: one warning in the log, none when trusted', async () => {
    for (const p of [api, proxied]) {
      for (const client of ['203.0.113.7', '203.0.113.8'])
        await raw(`${p.url}/`, { headers: { 'x-forwarded-for': client } });
    }
    const warnings = (p: ApiProcess) =>
      p
        .output()
        .split('\n')
        .filter((l) => l.includes('which TRUST_PROXY does not trust'));
    // (the log is written asynchronously)
    await vi.waitFor(() => expect(warnings(api)).toHaveLength(1));
    expect(warnings(api)[0]).toContain('LOGIN_CODES_PER_IP');
    expect(warnings(proxied)).toEqual([]);
  });

  it('over HTTPS per TRUST_PROXY: upgrade-insecure-requests, HSTS, and wss: to this host only', async () => {
    const res = await raw(`${proxied.url}/`, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'chat.example.com' },
    });
    const csp = res.headers['content-security-policy'];
    expect(directive(csp, 'upgrade-insecure-requests')).toBe('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' wss://chat.example.com");
  });
});

describe('the web app', () => {
  it('is served at / to any client, GET and HEAD; unknown paths stay JSON 404s', async () => {
    const index = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = await raw(`${api.url}/`, { headers: accept ? { accept } : {} });
      expect(res.status, String(accept)).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body.toString()).toBe(index);
    }
    const head = await raw(`${api.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const missing = await raw(`${api.url}/no-such-route`, {
      headers: { accept: 'application/json' },
    });
    expect(missing.status).toBe(404);
    expect(String(missing.headers['content-type'])).toContain('application/json');
    expect(JSON.parse(missing.body.toString())).toMatchObject({ statusCode: 404 });
  });

  it('sends the entry script precompressed (brotli, else gzip) with immutable caching', async () => {
    const index = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
    const src = /<script type="module" crossorigin src="([^"]+)"/.exec(index)?.[1];
    expect(src).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    const original = readFileSync(join(WEB_DIST, src!));
    const br = await raw(`${api.url}${src}`, {
      headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['vary']).toContain('Accept-Encoding');
    expect(br.body.equals(readFileSync(join(WEB_DIST, `${src}.br`)))).toBe(true);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
    const gz = await raw(`${api.url}${src}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);
    const plain = await raw(`${api.url}${src}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });
});

describe('GraphQL responses', () => {
  const query = JSON.stringify({ query: '{ __schema { types { name kind description } } }' });
  const post = (encoding?: string) =>
    raw(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(encoding ? { 'accept-encoding': encoding } : {}),
      },
      body: query,
    });

  it('are compressed with brotli or gzip as the client accepts, and decode to the same answer', async () => {
    const plain = await post();
    expect(plain.headers['content-encoding']).toBeUndefined();
    const answer = JSON.parse(plain.body.toString());
    expect(answer.data.__schema.types.length).toBeGreaterThan(10);
    const br = await post('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(answer);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    const gz = await post('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString())).toEqual(answer);
  });

  it('small answers go out as they are', async () => {
    const res = await raw(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, br' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString())).toEqual({ data: { __typename: 'Query' } });
  });
});
