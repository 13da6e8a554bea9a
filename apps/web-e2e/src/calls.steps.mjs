// Browser test of calls: two Chromium contexts with fake camera and microphone call each other
// over loopback (no STUN/TURN needed on one machine) through the real API and web app.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS,
  CHROMIUM,
  ROOT,
  assert,
  assertEqual,
  eventually,
  graphqlOf,
  signUpInBrowser,
  sleep,
} from './harness.mjs';

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
      'calls: two browsers with fake devices call each other, see and hear each other, turn video on in a voice call, and hang up from either side',
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
        /** Both pages close the call view and every peer connection they made. */
        const callEnds = async (pages) => {
          for (const page of pages) {
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
        };
        const gql = graphqlOf(api);
        const contexts = [];
        // Each person signs up in a context of their own that may use the fake camera and
        // microphone, with every RTCPeerConnection recorded for getStats().
        const open = (phone, name, viewport = DESKTOP, colorScheme = 'light') =>
          signUpInBrowser(
            {
              browser,
              api,
              contexts,
              pageErrors,
              viewport,
              colorScheme,
              permissions: ['microphone', 'camera'],
              timeout: 20_000,
              beforeOpen: (page) => page.addInitScript(RECORD_PEERS),
            },
            phone,
            name,
          );
        try {
          const kaiPerson = await open('+14155550165', 'Kai Caller');
          const louPerson = await open('+14155550166', 'Lou Callee', PHONE, 'dark');
          const [kai, lou] = [kaiPerson.page, louPerson.page];
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

          // Lou (the callee) hangs up: both sides end and release the connection.
          await lou.getByRole('button', { name: 'Hang up' }).click();
          await callEnds([kai, lou]);
          // The call is in both histories, with its duration.
          await kai.locator('a.conv-item', { hasText: 'Lou Callee' }).first().click();
          for (const page of [kai, lou])
            await page
              .locator('.conversation__main')
              .getByText(/^Video call \(\d+:\d\d\)$/)
              .first()
              .waitFor();

          // Now Lou calls back with voice only; once connected Lou turns the camera on, which
          // renegotiates the call, and Kai starts seeing Lou's video. Lou (the caller) hangs up.
          await lou.getByRole('button', { name: 'Voice call' }).click();
          const voiceInvite = kai.getByRole('alertdialog', { name: 'Incoming voice call' });
          await voiceInvite.waitFor();
          assert((await voiceInvite.textContent()).includes('Lou Callee'), 'Lou is named');
          await voiceInvite.getByRole('button', { name: 'Accept' }).click();
          for (const [who, page] of [
            ['Kai', kai],
            ['Lou', lou],
          ]) {
            const before = await inboundAudioBytes(page);
            await eventually(async () => (await inboundAudioBytes(page)) > before + 500, {
              timeout: 20_000,
              message: `${who} receives audio in the voice call (from ${before} bytes)`,
            });
          }
          assert((await remoteVideoWidth(kai)) === 0, 'a voice call carries no video at first');
          await lou.getByRole('button', { name: 'Turn camera on' }).click();
          await lou.getByRole('button', { name: 'Turn camera off' }).waitFor();
          await eventually(async () => (await remoteVideoWidth(kai)) > 0, {
            timeout: 20_000,
            message: "Kai sees Lou's video after Lou turned the camera on",
          });
          await lou.getByRole('button', { name: 'Hang up' }).click();
          await callEnds([kai, lou]);
          for (const page of [kai, lou])
            await page
              .locator('.conversation__main')
              .getByText(/^Voice call \(\d+:\d\d\)$/)
              .first()
              .waitFor();
          await shot(lou, 'call-history-phone-dark');

          // The server agrees: no call is live, and the history holds both calls, answered and
          // hung up, with their durations (asked over HTTP with each person's own token).
          const dm = new URL(kai.url()).hash.match(/#\/c\/([^/?]+)/)?.[1];
          assert(dm, `the direct conversation's id is in Kai's address (${kai.url()})`);
          for (const person of [kaiPerson, louPerson])
            assertEqual(
              (await gql('{ activeCalls { id } }', {}, person.token)).activeCalls,
              [],
              'no live call after both hang-ups',
            );
          const page = await gql(
            'query($c:ID!){ messages(conversationId:$c, last: 20){ edges { node { sender { id } call { media outcome endReason durationSeconds } } } } }',
            { c: dm },
            louPerson.token,
          );
          const calls = page.messages.edges.map((e) => e.node).filter((m) => m.call);
          assertEqual(
            calls.map((m) => [m.sender.id, m.call.media, m.call.outcome, m.call.endReason]),
            [
              [kaiPerson.id, 'VIDEO', 'COMPLETED', 'HANGUP'],
              [louPerson.id, 'VOICE', 'COMPLETED', 'HANGUP'],
            ],
            'both calls in the history, each sent as its caller',
          );
          assert(
            calls.every((m) => m.call.durationSeconds >= 1),
            `both calls lasted: ${calls.map((m) => m.call.durationSeconds)}`,
          );

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
