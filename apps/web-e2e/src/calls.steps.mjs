// Browser test of calls: two Chromium contexts with fake camera and microphone call each other
// over loopback (no STUN/TURN needed on one machine) through the real API and web app.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { ARTIFACTS, CHROMIUM, ROOT, assert, eventually, sleep } from './harness.mjs';

const SCREENSHOTS = join(ROOT, 'docs/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Records every RTCPeerConnection the page makes, so the test can read its getStats(). */
const RECORD_PEERS = () => {
  const Native = window.RTCPeerConnection;
  window.__peers = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__peers.push(this);
    }
  };
};

async function inboundAudioBytes(page) {
  return page.evaluate(async () => {
    const pc = window.__peers.at(-1);
    if (!pc) return 0;
    let bytes = 0;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') bytes += r.bytesReceived ?? 0;
    });
    return bytes;
  });
}

const remoteVideoWidth = (page) =>
  page.evaluate(() => document.querySelector('video[data-call-video="remote"]')?.videoWidth ?? 0);

/** The call steps, run by run.mjs with its API and the page-error list it checks. */
export function callSteps({ api, pageErrors }) {
  return [
    [
      'calls: two browsers with fake devices call each other, see and hear each other, and hang up',
      async () => {
        const browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--use-fake-device-for-media-stream',
            '--use-fake-ui-for-media-stream',
            '--autoplay-policy=no-user-gesture-required',
          ],
        });
        mkdirSync(SCREENSHOTS, { recursive: true });
        mkdirSync(ARTIFACTS, { recursive: true });
        const shot = async (page, name) => {
          await sleep(300);
          await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
        };
        const open = async (phone, name, viewport = DESKTOP, colorScheme = 'light') => {
          const context = await browser.newContext({
            viewport,
            colorScheme,
            permissions: ['microphone', 'camera'],
          });
          await context.addInitScript(RECORD_PEERS);
          const page = await context.newPage();
          page.setDefaultTimeout(20_000);
          page.on('pageerror', (e) => pageErrors.push(`${e.message}`));
          await page.goto(`${api.url}/`);
          await page.getByLabel('Phone number').fill(phone);
          const since = api.output().length;
          await page.getByRole('button', { name: 'Send code' }).click();
          await page.getByLabel('Login code').fill(await api.loginCode(phone, since));
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByLabel('Your name').fill(name);
          await page.getByRole('button', { name: 'Create account' }).click();
          await page.getByRole('heading', { name: 'Chats' }).waitFor();
          return page;
        };
        try {
          const kai = await open('+14155550165', 'Kai Caller');
          const lou = await open('+14155550166', 'Lou Callee', PHONE, 'dark');
          await kai.getByRole('link', { name: 'New chat' }).first().click();
          await kai.getByLabel('Message a phone number').fill('+14155550166');
          await kai.getByRole('button', { name: 'Start chat' }).click();
          const box = kai.getByLabel('Message', { exact: true });
          await box.fill('ready for a call?');
          await box.press('Enter');
          await lou.locator('a.conv-item', { hasText: 'Kai Caller' }).first().click();

          // Kai calls with video; Lou's phone rings with accept and decline.
          await kai.getByRole('button', { name: 'Video call' }).click();
          const incoming = lou.getByRole('alertdialog', { name: 'Incoming video call' });
          await incoming.waitFor();
          assert((await incoming.textContent()).includes('Kai Caller'), 'the caller is named');
          await shot(lou, 'call-incoming-phone-dark');
          await incoming.getByRole('button', { name: 'Accept' }).click();

          // Each side plays the other's video and receives audio.
          for (const [who, page] of [
            ['Kai', kai],
            ['Lou', lou],
          ]) {
            await eventually(async () => (await remoteVideoWidth(page)) > 0, {
              timeout: 20_000,
              message: `${who} sees the other's video`,
            });
            const before = await inboundAudioBytes(page);
            await eventually(async () => (await inboundAudioBytes(page)) > before + 500, {
              timeout: 10_000,
              message: `${who} receives audio (inbound-rtp bytes grow from ${before})`,
            });
          }
          await kai.getByText(/^\d+:\d\d$/).waitFor(); // the call timer runs
          await shot(kai, 'call-video-desktop');
          await shot(lou, 'call-video-phone-dark');

          // Browsing another chat keeps the call, compact.
          await kai.goto(`${api.url}/#/`);
          const compact = kai.locator('.call-view--compact');
          await compact.waitFor();
          await shot(kai, 'call-compact-desktop');
          await kai.getByRole('button', { name: 'Mute' }).click();
          await kai.getByRole('button', { name: 'Unmute' }).waitFor();

          // Lou hangs up: both sides end and release the connection.
          await lou.getByRole('button', { name: 'Hang up' }).click();
          for (const page of [kai, lou]) {
            await eventually(
              async () => (await page.locator('section[aria-label^="Call with"]').count()) === 0,
              { message: 'the call view closes' },
            );
            await eventually(
              () =>
                page.evaluate(() => window.__peers.every((pc) => pc.connectionState === 'closed')),
              { message: 'the peer connection is closed' },
            );
          }
          // The call is in both histories, with its duration.
          await kai.locator('a.conv-item', { hasText: 'Lou Callee' }).first().click();
          for (const page of [kai, lou])
            await page
              .locator('.conversation__main')
              .getByText(/^Video call \(\d+:\d\d\)$/)
              .first()
              .waitFor();
          await shot(lou, 'call-history-phone-dark');

          // A denied microphone is explained, and no call is placed.
          await kai.evaluate(() => {
            navigator.mediaDevices.getUserMedia = () =>
              Promise.reject(new DOMException('denied', 'NotAllowedError'));
          });
          await kai.getByRole('button', { name: 'Voice call' }).click();
          const alert = kai.getByRole('alert').filter({ hasText: 'may not use your microphone' });
          await alert.waitFor();
          await shot(kai, 'call-denied-desktop');
          assert(
            (await lou.getByRole('alertdialog').count()) === 0,
            'no invite without a microphone',
          );
        } finally {
          await browser.close().catch(() => undefined);
        }
      },
    ],
  ];
}
