import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpLinkPreviewFetcher } from './http-link-preview-fetcher';
import { Resolve } from './outbound-address-policy';

/**
 * The SSRF table: real sockets. A trap server listens on 127.0.0.1 and records every request it
 * gets; the fetcher must never reach it unless the operator's allow-range says so.
 */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let server: Server;
let port: number;
const hits: string[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  hits.push(req.url ?? '');
  const url = new URL(req.url ?? '/', 'http://x');
  switch (url.pathname) {
    case '/page':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><title>Fallback &amp; title</title>
         <meta property="og:title" content="Caf&eacute; &lt;b&gt;News&lt;/b&gt; &#x202E;">
         <meta name="description" content="  A   page\nabout   coffee  ">
         <meta property="og:site_name" content="Example">
         <meta property="og:image" content="/image.png"></head><body>x</body></html>`,
      );
      return;
    case '/redirect':
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/page' });
      res.end();
      return;
    case '/loop':
      res.writeHead(302, { location: '/loop' });
      res.end();
      return;
    case '/json':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"title":"no"}');
      return;
    case '/huge':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><head><title>Huge</title></head><body>');
      for (let i = 0; i < 200; i++) res.write('x'.repeat(10_000));
      res.end('</body></html>');
      return;
    case '/slow':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><head>');
      return; // never ends
    case '/gzip':
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      res.end('not really gzip');
      return;
    case '/image.png':
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
      return;
    case '/big.png':
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.concat([PNG, Buffer.alloc(100_000)]));
      return;
    case '/latin1':
      res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' });
      res.end(Buffer.from('<title>Cr\xe8me br\xfbl\xe9e</title>', 'latin1'));
      return;
    default:
      res.writeHead(404);
      res.end();
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  hits.length = 0;
});

/** Names resolve as this table says; everything else fails like NXDOMAIN. */
const names: Record<string, string[]> = {
  'private.test': ['10.0.0.7'],
  'loopback.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '127.0.0.1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
};
const resolve: Resolve = async (hostname) => {
  const addresses = names[hostname];
  if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const strict = () => new HttpLinkPreviewFetcher({ allowRanges: [], timeoutMs: 2000, resolve });
const trusting = () =>
  new HttpLinkPreviewFetcher({ allowRanges: ['127.0.0.1/32'], timeoutMs: 1000, resolve });

describe('link preview fetcher: nothing private is ever fetched', () => {
  const cases: [string, () => string][] = [
    ['loopback', () => `http://127.0.0.1:${port}/page`],
    ['loopback on the standard port', () => 'http://127.0.0.1/page'],
    ['another loopback address', () => 'http://127.1.2.3/page'],
    ['localhost', () => `http://localhost:${port}/page`],
    ['10/8', () => 'http://10.1.2.3/page'],
    ['172.16/12', () => 'http://172.20.0.1/page'],
    ['192.168/16', () => 'http://192.168.1.1/page'],
    ['169.254/16 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['100.64/10 (CGNAT)', () => 'http://100.64.0.1/page'],
    ['0.0.0.0', () => `http://0.0.0.0:${port}/page`],
    ['::1', () => `http://[::1]:${port}/page`],
    ['fc00::/7', () => 'http://[fd12:3456::1]/page'],
    ['fe80::/10', () => 'http://[fe80::1]/page'],
    ['::ffff:127.0.0.1', () => `http://[::ffff:127.0.0.1]:${port}/page`],
    ['decimal 2130706433', () => `http://2130706433:${port}/page`],
    ['octal 0177.0.0.1', () => `http://0177.0.0.1:${port}/page`],
    ['hex 0x7f.1', () => `http://0x7f.1:${port}/page`],
    ['a name that resolves to 10/8', () => 'http://private.test/page'],
    ['a name that resolves to loopback', () => `http://loopback.test:${port}/page`],
    ['a name that resolves to 169.254.169.254', () => 'http://metadata.test/page'],
    ['a name that resolves to ::ffff:127.0.0.1', () => `http://mapped.test:${port}/page`],
    ['an unknown name', () => 'http://nowhere.test/page'],
    ['not http(s)', () => `ftp://127.0.0.1:${port}/page`],
    ['file:', () => 'file:///etc/passwd'],
    ['credentials', () => `http://user:pw@127.0.0.1:${port}/page`],
  ];
  it.each(cases)('%s', async (_name, url) => {
    expect(await strict().page(url())).toBeNull();
    expect(await strict().image(url(), 10_000)).toBeNull();
    expect(hits).toEqual([]);
  });

  it('a name with a public and a private address connects only to the public one', async () => {
    // 93.184.216.34:port is not listening for us: the fetch fails, the trap sees nothing.
    const fetcher = new HttpLinkPreviewFetcher({ allowRanges: [], timeoutMs: 300, resolve });
    expect(await fetcher.page(`http://mixed.test:${port}/page`)).toBeNull();
    expect(hits).toEqual([]);
  });

  it('a redirect from an allowed server to a private address is not followed', async () => {
    // Only 127.0.0.1 is trusted; the redirect goes to another loopback address and to 10/8.
    for (const to of [
      `http://127.0.0.2:${port}/page`,
      'http://10.0.0.1/page',
      `http://[::1]:${port}/page`,
    ]) {
      hits.length = 0;
      const page = await trusting().page(
        `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(to)}`,
      );
      expect(page).toBeNull();
      expect(hits).toEqual([`/redirect?to=${encodeURIComponent(to)}`]);
    }
  });

  it('a redirect to a name that resolves privately is not followed', async () => {
    const to = `http://loopback.test:${port}/page`;
    expect(
      await new HttpLinkPreviewFetcher({
        allowRanges: ['127.0.0.2/32'],
        timeoutMs: 1000,
        resolve,
      }).page(`http://127.0.0.2:${port}/redirect?to=${encodeURIComponent(to)}`),
    ).toBeNull();
  });

  it('public hosts only on the standard ports', async () => {
    const fetcher = new HttpLinkPreviewFetcher({
      allowRanges: [],
      timeoutMs: 300,
      resolve: async () => [{ address: '93.184.216.34', family: 4 }],
    });
    expect(await fetcher.page('http://public.test:8080/page')).toBeNull();
    expect(hits).toEqual([]);
  });
});

describe('link preview fetcher: caps', () => {
  it('reads title, description, site name and image; entities decoded, text cleaned', async () => {
    const page = await trusting().page(`http://127.0.0.1:${port}/page`);
    expect(page).toEqual({
      url: `http://127.0.0.1:${port}/page`,
      title: 'Café <b>News</b>',
      description: 'A page about coffee',
      siteName: 'Example',
      imageUrl: `http://127.0.0.1:${port}/image.png`,
    });
  });

  it('follows a redirect within the allowed range, and reports where it ended', async () => {
    const page = await trusting().page(`http://127.0.0.1:${port}/redirect?to=/page`);
    expect(page?.url).toBe(`http://127.0.0.1:${port}/page`);
  });

  it('gives up after 5 redirects', async () => {
    expect(await trusting().page(`http://127.0.0.1:${port}/loop`)).toBeNull();
    expect(hits.length).toBe(6);
  });

  it('only HTML', async () => {
    expect(await trusting().page(`http://127.0.0.1:${port}/json`)).toBeNull();
  });

  it('reads at most the HTML cap and parses what it has', async () => {
    const fetcher = new HttpLinkPreviewFetcher({
      allowRanges: ['127.0.0.1/32'],
      timeoutMs: 2000,
      maxHtmlBytes: 4096,
      resolve,
    });
    expect((await fetcher.page(`http://127.0.0.1:${port}/huge`))?.title).toBe('Huge');
  });

  it('gives up on a slow server after the time cap', async () => {
    const started = Date.now();
    expect(await trusting().page(`http://127.0.0.1:${port}/slow`)).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses content encodings', async () => {
    expect(await trusting().page(`http://127.0.0.1:${port}/gzip`)).toBeNull();
  });

  it('decodes the charset the server names', async () => {
    expect((await trusting().page(`http://127.0.0.1:${port}/latin1`))?.title).toBe('Crème brûlée');
  });

  it('images: within the size cap, refused beyond it', async () => {
    const image = await trusting().image(`http://127.0.0.1:${port}/image.png`, 10_000);
    expect(image?.bytes.equals(PNG)).toBe(true);
    expect(await trusting().image(`http://127.0.0.1:${port}/big.png`, 10_000)).toBeNull();
    expect(await trusting().image(`http://127.0.0.1:${port}/page`, 10_000)).toBeNull();
  });
});
