import { Controller, Get, Header, INestApplication, Module, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { brotliDecompressSync, brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { acceptsHtml } from './accepts-html';
import { mountStatic, MountStaticOptions } from './mount-static';

const BROWSER =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const APOLLO_CLIENT = 'application/graphql-response+json,application/json;q=0.9';

/** Stands in for Apollo at /graphql and for the probes, as Nest routes registered after mountStatic. */
@Controller()
class FakeApiController {
  @Get('graphql')
  @Header('Content-Type', 'application/json')
  get(@Req() req: IncomingMessage) {
    return { api: 'GET', url: req.url };
  }

  @Post('graphql')
  post() {
    return { api: 'POST' };
  }

  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }
}

@Module({ imports: [MetricsModule], controllers: [FakeApiController] })
class FakeApiModule {}

let root: string;
let webDist: string;
let playgroundDir: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'chatter-static-'));
  webDist = path.join(root, 'web');
  mkdirSync(path.join(webDist, 'assets'), { recursive: true });
  writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>Chatter web</title>');
  writeFileSync(path.join(webDist, 'assets/app-123.js'), 'console.log("web")');
  // As the build leaves them: precompressed twins beside the asset.
  writeFileSync(
    path.join(webDist, 'assets/app-123.js.br'),
    brotliCompressSync('console.log("web")'),
  );
  writeFileSync(path.join(webDist, 'assets/app-123.js.gz'), gzipSync('console.log("web")'));
  writeFileSync(path.join(webDist, 'robots.txt'), 'User-agent: *');
  playgroundDir = path.join(root, 'playground');
  mkdirSync(path.join(playgroundDir, 'assets'), { recursive: true });
  writeFileSync(
    path.join(playgroundDir, 'index.html'),
    '<!doctype html><title>Chatter GraphiQL</title>',
  );
  writeFileSync(path.join(playgroundDir, 'assets/index-abc.js'), 'console.log("graphiql")');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(
  settings: { playground?: boolean; webDist?: string | undefined } = {},
  options: MountStaticOptions = {},
): Promise<string> {
  app = await NestFactory.create(FakeApiModule, { logger: false });
  const config = {
    http: { webDist: 'webDist' in settings ? settings.webDist : webDist },
    graphql: { playground: settings.playground ?? true },
  } as Pick<AppConfig, 'http' | 'graphql'>;
  mountStatic(app, config, { playgroundDir, ...options });
  await app.listen(0, '127.0.0.1');
  return app.getUrl();
}

async function get(url: string, accept?: string, init: RequestInit = {}) {
  const res = await fetch(url, {
    ...init,
    headers: { ...(accept ? { accept } : {}), ...(init.headers as object) },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    headers: res.headers,
    body: await res.text(),
  };
}

describe('GET /graphql', () => {
  it('serves the playground to browsers, with a strict CSP', async () => {
    const url = await start();
    const res = await get(`${url}/graphql`, BROWSER);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html; charset=utf-8');
    expect(res.body).toBe('<!doctype html><title>Chatter GraphiQL</title>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
    expect(csp).not.toMatch(/https?:\/\//);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('never shadows API requests', async () => {
    const url = await start();
    const query = `${url}/graphql?query=%7B__typename%7D`;
    expect(JSON.parse((await get(query, BROWSER)).body)).toEqual({
      api: 'GET',
      url: '/graphql?query=%7B__typename%7D',
    });
    expect(JSON.parse((await get(query, APOLLO_CLIENT)).body)).toMatchObject({ api: 'GET' });
    expect(JSON.parse((await get(`${url}/graphql?extensions=%7B%7D`, BROWSER)).body)).toMatchObject(
      { api: 'GET' },
    );
    expect(JSON.parse((await get(`${url}/graphql`, APOLLO_CLIENT)).body)).toMatchObject({
      api: 'GET',
    });
    expect(JSON.parse((await get(`${url}/graphql`, '*/*')).body)).toMatchObject({ api: 'GET' });
    expect(JSON.parse((await get(`${url}/graphql`)).body)).toMatchObject({ api: 'GET' });
    const post = await get(`${url}/graphql`, BROWSER, {
      method: 'POST',
      body: '{"query":"{__typename}"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(post.body)).toEqual({ api: 'POST' });
  });

  it('leaves /graphql to the API when PLAYGROUND is off', async () => {
    const url = await start({ playground: false });
    expect(JSON.parse((await get(`${url}/graphql`, BROWSER)).body)).toMatchObject({ api: 'GET' });
    expect((await get(`${url}/playground/assets/index-abc.js`)).status).toBe(404);
  });

  it('serves the playground bundle under /playground/assets, immutable', async () => {
    const url = await start();
    const res = await get(`${url}/playground/assets/index-abc.js`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('console.log("graphiql")');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get(`${url}/playground/assets/nope.js`)).status).toBe(404);
  });

  it('explains a playground that was not built', async () => {
    const url = await start({}, { playgroundDir: path.join(root, 'missing') });
    const res = await get(`${url}/graphql`, BROWSER);
    expect(res.status).toBe(404);
    expect(res.body).toContain('apps/api/playground/build.mjs');
    expect(JSON.parse((await get(`${url}/graphql?query=%7Ba%7D`, BROWSER)).body)).toMatchObject({
      api: 'GET',
    });
  });
});

describe('web app', () => {
  it('serves index.html for browser navigations to client routes', async () => {
    const url = await start();
    for (const route of ['/', '/chats/42', '/settings/profile?tab=1']) {
      const res = await get(url + route, BROWSER);
      expect(res.status, route).toBe(200);
      expect(res.body).toBe('<!doctype html><title>Chatter web</title>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    const head = await get(`${url}/chats/42`, BROWSER, { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
  });

  it('serves assets, with long caching for fingerprinted ones', async () => {
    const url = await start();
    const asset = await get(`${url}/assets/app-123.js`);
    expect(asset).toMatchObject({ status: 200, body: 'console.log("web")' });
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const robots = await get(`${url}/robots.txt`);
    expect(robots).toMatchObject({ status: 200, body: 'User-agent: *' });
    expect(robots.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves / to any client (curl, monitors, load balancers), GET and HEAD', async () => {
    const url = await start();
    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = await get(`${url}/`, accept);
      expect(res.status, String(accept)).toBe(200);
      expect(res.type).toBe('text/html; charset=utf-8');
      expect(res.body).toBe('<!doctype html><title>Chatter web</title>');
    }
    const head = await get(`${url}/`, undefined, { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.type).toBe('text/html; charset=utf-8');
  });

  it('sends the precompressed twin of an asset the client can decode, brotli first', async () => {
    const url = await start();
    const raw = (encoding?: string) =>
      new Promise<{ encoding?: string; vary?: string; cache?: string; body: Buffer }>(
        (resolve, reject) => {
          const req = request(
            `${url}/assets/app-123.js`,
            { headers: encoding ? { 'accept-encoding': encoding } : {} },
            (res) => {
              const parts: Buffer[] = [];
              res.on('data', (d: Buffer) => parts.push(d));
              res.on('end', () =>
                resolve({
                  encoding: res.headers['content-encoding'],
                  vary: res.headers['vary'],
                  cache: res.headers['cache-control'],
                  body: Buffer.concat(parts),
                }),
              );
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
    const br = await raw('gzip, deflate, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe('console.log("web")');
    expect(br.vary).toContain('Accept-Encoding');
    expect(br.cache).toBe('public, max-age=31536000, immutable');
    const gz = await raw('gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe('console.log("web")');
    const plain = await raw();
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString()).toBe('console.log("web")');
  });

  it('does not turn missing files, API paths or non-browser requests into index.html', async () => {
    const url = await start();
    expect((await get(`${url}/assets/missing.js`, BROWSER)).status).toBe(404);
    expect(JSON.parse((await get(`${url}/healthz`, BROWSER)).body)).toEqual({ status: 'ok' });
    const metrics = await get(`${url}/metrics`, BROWSER);
    expect(metrics.type).toContain('text/plain');
    expect(metrics.body).toContain('chatter_http_requests_total');
    expect((await get(`${url}/graphql/anything`, BROWSER)).body).not.toContain('Chatter web');
    expect((await get(`${url}/chats/42`, 'application/json')).status).toBe(404);
    expect((await get(`${url}/chats/42`, BROWSER, { method: 'POST' })).status).toBe(404);
  });

  it('counts static responses in the HTTP metrics', async () => {
    const url = await start();
    await get(`${url}/chats/1`, BROWSER);
    await get(`${url}/assets/app-123.js`);
    await get(`${url}/graphql`, BROWSER);
    await get(`${url}/graphql?query=%7Ba%7D`);
    let text = '';
    // Requests are recorded when their response finishes, which may trail the client by a tick.
    for (let i = 0; i < 50 && !text.includes('route="/graphql"'); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      text = await app!.get(MetricsService).metrics();
    }
    expect(text).toContain(
      'chatter_http_requests_total{method="GET",route="static",status="200"} 2',
    );
    expect(text).toContain(
      'chatter_http_requests_total{method="GET",route="playground",status="200"} 1',
    );
    expect(text).toContain(
      'chatter_http_requests_total{method="GET",route="/graphql",status="200"} 1',
    );
  });

  it('serves nothing without a web build', async () => {
    const url = await start({ webDist: undefined });
    expect((await get(`${url}/`, BROWSER)).status).toBe(404);
    expect((await get(`${url}/assets/app-123.js`)).status).toBe(404);
  });

  it('refuses a web build that would shadow an API path', async () => {
    const bad = path.join(root, 'bad-web');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, 'index.html'), '');
    writeFileSync(path.join(bad, 'metrics'), '');
    await expect(start({ webDist: bad })).rejects.toThrow(
      'contains metrics, which would shadow API paths',
    );
  });
});

describe('acceptsHtml', () => {
  it.each([
    [BROWSER, true],
    ['text/html', true],
    ['application/json, text/html', true],
    ['text/html;q=0.5, application/json', false],
    [APOLLO_CLIENT, false],
    ['*/*', false],
    ['text/*', false],
    ['text/html;q=0', false],
    ['', false],
  ])('%s → %s', (accept, expected) => {
    expect(acceptsHtml({ accept })).toBe(expected);
  });
});
