// Browser test of link previews: Ada sends a message with a link to a page served on loopback
// (reachable only because this API's operator allow-range names 127.0.0.1/32); Ben sees the
// preview card arrive live with the page's title, description and image — the image loaded from
// Chatter's own origin, never from the page's server. Ada removes the preview; it disappears for
// Ben. Saves screenshots (desktop light and dark).
import { createServer } from 'node:http';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { assert, eventually, graphqlOf, signUpInBrowser, sleep, startApi } from './harness.mjs';

async function pageServer() {
  const sharp = (await import('sharp')).default;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#4f46e5"/><stop offset="1" stop-color="#06b6d4"/></linearGradient></defs>
    <rect width="1200" height="630" fill="url(#g)"/>
    <circle cx="960" cy="160" r="120" fill="rgba(255,255,255,0.18)"/>
    <circle cx="180" cy="520" r="200" fill="rgba(255,255,255,0.12)"/>
    <text x="80" y="340" font-family="sans-serif" font-size="96" font-weight="700" fill="#fff">Chatter 2.0</text>
    <text x="84" y="420" font-family="sans-serif" font-size="40" fill="#e0e7ff">Release notes</text>
  </svg>`;
  const image = await sharp(Buffer.from(svg)).png().toBuffer();
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    if (req.url === '/og.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(image);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Fallback</title>
      <meta property="og:title" content="Chatter 2.0: threads, previews &amp; polls">
      <meta property="og:description" content="Everything new in this release: link previews that never hot-link, polls with live results, and more.">
      <meta property="og:site_name" content="Chatter Blog">
      <meta property="og:image" content="/og.png"></head><body>Release notes</body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** The step, built from the runner's browser, viewports, error sink and screenshot folder. */
export function linkPreviewStep({ browser, pageErrors, DESKTOP, SCREENSHOTS }) {
  return [
    'link preview: a link shows a preview card live (image served by Chatter); the sender removes it',
    async () => {
      const site = await pageServer();
      const api = await startApi({ LINK_PREVIEW_ALLOW_RANGES: '127.0.0.1/32' });
      const contexts = [];
      try {
        const gql = graphqlOf(api);
        const open = async (phone, name) => {
          const requested = [];
          const person = await signUpInBrowser(
            {
              browser,
              api,
              contexts,
              pageErrors,
              viewport: DESKTOP,
              beforeOpen: (page) => {
                page.on('dialog', (d) => void d.accept());
                page.on('request', (r) => requested.push(r.url()));
              },
            },
            phone,
            name,
          );
          return { ...person, requested };
        };
        const ada = await open('+14155550191', 'Ada Lovelace');
        const ben = await open('+14155550192', 'Ben Carter');
        await gql(
          'mutation($m:[ID!]!){ createGroup(input:{title:"Release crew", memberIds:$m}){ id } }',
          { m: [ben.id] },
          ada.token,
        );
        for (const u of [ada, ben]) {
          // The group was made over the API, perhaps before this page's stream was live: the list
          // is loaded afresh, as in the other steps that set up a group this way.
          await u.page.reload();
          await u.page.locator('a.conv-item', { hasText: 'Release crew' }).first().click();
          await u.page.getByLabel('Message', { exact: true }).waitFor();
        }
        const box = ada.page.getByLabel('Message', { exact: true });
        await box.fill(`The release notes are out: ${site.origin}/blog/chatter-2 🎉`);
        await box.press('Enter');

        const card = ben.page.locator('.link-preview').first();
        await card.waitFor({ timeout: 20_000 });
        await card.getByText('Chatter 2.0: threads, previews & polls').waitFor();
        await card.getByText('Chatter Blog').waitFor();
        await eventually(
          async () =>
            card
              .locator('img.link-preview__image')
              .evaluate((img) => img.complete && img.naturalWidth > 0)
              .catch(() => false),
          { timeout: 20_000, message: 'the preview image loads' },
        );
        const src = await card.locator('img.link-preview__image').getAttribute('src');
        assert(src.startsWith('/files/'), `the image comes from Chatter (${src})`);
        for (const u of [ada, ben])
          assert(
            !u.requested.some((url) => url.startsWith(site.origin)),
            'the browser never requested the third-party site',
          );
        assert(
          (await card.locator('a.link-preview__link').getAttribute('href')) ===
            `${site.origin}/blog/chatter-2`,
          'the card links to the page',
        );
        await ada.page.locator('.link-preview').first().waitFor();
        mkdirSync(SCREENSHOTS, { recursive: true });
        await sleep(300);
        await ben.page.screenshot({ path: join(SCREENSHOTS, 'link-preview.png') });
        await ben.page.emulateMedia({ colorScheme: 'dark' });
        await sleep(300);
        await ben.page.screenshot({ path: join(SCREENSHOTS, 'link-preview-dark.png') });
        await ben.page.emulateMedia({ colorScheme: 'light' });

        // Ada removes it; it disappears for Ben live.
        await ada.page.getByRole('button', { name: 'Remove link preview' }).click();
        await ben.page.locator('.link-preview').waitFor({ state: 'detached', timeout: 15_000 });
        await ada.page.locator('.link-preview').waitFor({ state: 'detached' });
      } finally {
        for (const c of contexts) await c.close();
        await api.stop();
        await site.close();
      }
    },
  ];
}
