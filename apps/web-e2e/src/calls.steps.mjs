// Browser tests of calls: two Chromium contexts with fake camera and microphone call each other
// through the real API and web app, over loopback (no STUN/TURN needed on one machine), and once
// through a real coturn relay only, with the TURN credentials the API mints.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS,
  CHROMIUM,
  ROOT,
  assert,
  assertEqual,
  eventually,
  freePort,
  graphqlOf,
  signUpInBrowser,
  sleep,
  startApi,
} from './harness.mjs';

const SCREENSHOTS = join(ROOT, 'docs/screenshots');
const RELAY_SECRET = 'web-e2e-turn-shared-secret-0123456789';
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

/**
 * RECORD_PEERS, and every connection may use relay candidates only: what a call between two
 * networks that cannot reach each other directly comes down to.
 */
const RECORD_PEERS_RELAY_ONLY = () => {
  const Native = window.RTCPeerConnection;
  window.__peers = [];
  window.__peerConfigs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(config = {}, ...rest) {
      super({ ...config, iceTransportPolicy: 'relay' }, ...rest);
      window.__peerConfigs.push(config);
      window.__peers.push(this);
    }
  };
};

const FAKE_MEDIA_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/** The candidate types of the pair the newest connection of `page` uses (null until chosen). */
const selectedPair = (page) =>
  page.evaluate(async () => {
    const pc = window.__peers.at(-1);
    if (!pc) return null;
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach((r) => {
      if (r.type === 'transport' && r.selectedCandidatePairId)
        pair = stats.get(r.selectedCandidatePairId) ?? null;
    });
    if (!pair || pair.state !== 'succeeded') return null;
    return {
      local: stats.get(pair.localCandidateId)?.candidateType,
      remote: stats.get(pair.remoteCandidateId)?.candidateType,
    };
  });

/**
 * coturn as the README runs it (TURN REST auth with `secret`), on 127.0.0.1 and a free port;
 * loopback peers allowed, since both browsers' relay addresses are on this machine.
 */
async function startTurnServer(secret) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chatter-web-e2e-turn-'));
  // Relay ports above Linux's ephemeral range (32768–60999), where no client socket lands.
  const minPort = 61_000 + (port % 45) * 100;
  let out = '';
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 99}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=chatter.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--db=${join(dir, 'turndb')}`,
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (d) => (out += d.toString()));
  child.stderr.on('data', (d) => (out += d.toString()));
  const spawned = new Promise((resolve) => child.once('error', (e) => resolve(e)));
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        const failed = await Promise.race([spawned, sleep(0)]);
        if (failed) throw new Error(`turnserver (apt-get install coturn): ${failed.message}`);
        return new Promise((resolve) => {
          const socket = connect({ host: '127.0.0.1', port });
          socket.once('connect', () => (socket.destroy(), resolve(true)));
          socket.once('error', () => resolve(false));
        });
      },
      { timeout: 15_000, message: 'coturn listens' },
    );
  } catch (e) {
    stop();
    throw new Error(`${e.message}\n${out.slice(-2000)}`);
  }
  return { url: `turn:127.0.0.1:${port}`, output: () => out, stop };
}

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
  /**
   * Runs `check` on a video call between two new people, answered, on an API whose TURN secret
   * is `apiSecret`, next to a coturn relay with RELAY_SECRET, in browsers that may use relay
   * candidates only.
   */
  const withRelayCall = async ({ apiSecret, phones }, check) => {
    const turn = await startTurnServer(RELAY_SECRET);
    let relayApi;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FAKE_MEDIA_ARGS });
    try {
      relayApi = await startApi({ TURN_URIS: `${turn.url}?transport=udp`, TURN_SECRET: apiSecret });
      const contexts = [];
      const open = (phone, name) =>
        signUpInBrowser(
          {
            browser,
            api: relayApi,
            contexts,
            pageErrors,
            viewport: DESKTOP,
            permissions: ['microphone', 'camera'],
            timeout: 20_000,
            beforeOpen: (page) => page.addInitScript(RECORD_PEERS_RELAY_ONLY),
          },
          phone,
          name,
        );
      const { page: ria } = await open(phones[0], 'Ria Relay');
      const { page: sol } = await open(phones[1], 'Sol Relay');
      await ria.getByRole('link', { name: 'New chat' }).first().click();
      await ria.getByLabel('Message a phone number').fill(phones[1]);
      await ria.getByRole('button', { name: 'Start chat' }).click();
      const box = ria.getByLabel('Message', { exact: true });
      await box.fill('call me through the relay');
      await box.press('Enter');
      await sol.locator('a.conv-item', { hasText: 'Ria Relay' }).first().click();
      await ria.getByRole('button', { name: 'Video call' }).click();
      const incoming = sol.getByRole('alertdialog', { name: 'Incoming video call' });
      await incoming.waitFor();
      await incoming.getByRole('button', { name: 'Accept' }).click();
      await check({ ria, sol });
    } finally {
      await browser.close().catch(() => undefined);
      await relayApi?.stop();
      turn.stop();
    }
  };
  const shot = async (page, name) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await sleep(300);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  };

  return [
    [
      'calls: two browsers with fake devices call each other, see and hear each other, turn video on in a voice call, and hang up from either side',
      async () => {
        const browser = await chromium.launch({ executablePath: CHROMIUM, args: FAKE_MEDIA_ARGS });
        mkdirSync(ARTIFACTS, { recursive: true });
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
    [
      'calls: through a coturn relay only, with the TURN credentials the API mints, two browsers see and hear each other',
      () =>
        withRelayCall(
          { apiSecret: RELAY_SECRET, phones: ['+14155550175', '+14155550176'] },
          async ({ ria, sol }) => {
            for (const [who, page] of [
              ['Ria', ria],
              ['Sol', sol],
            ]) {
              await eventually(async () => (await remoteVideoWidth(page)) > 0, {
                timeout: 30_000,
                message: `${who} sees the other's video through the relay`,
              });
              const before = await inboundAudioBytes(page);
              await eventually(async () => (await inboundAudioBytes(page)) > before + 500, {
                timeout: 10_000,
                message: `${who} receives audio through the relay (from ${before} bytes)`,
              });
              // The web app handed the browser the API's TURN server with minted credentials,
              // and the media flows over relay candidates on both ends.
              const servers = await page.evaluate(() => window.__peerConfigs.at(-1)?.iceServers);
              const relay = servers?.find((s) => s.urls.some((u) => u.startsWith('turn:')));
              assert(
                relay && /^\d+:/.test(relay.username ?? '') && relay.credential,
                `${who}'s connection got TURN credentials: ${JSON.stringify(servers)}`,
              );
              assertEqual(
                await eventually(() => selectedPair(page), { message: `${who}'s selected pair` }),
                { local: 'relay', remote: 'relay' },
                `${who}'s call goes through the relay`,
              );
            }
            await sol.getByRole('button', { name: 'Hang up' }).click();
            await eventually(
              async () => (await ria.locator('section[aria-label^="Call with"]').count()) === 0,
              { message: "the call ends on Ria's side" },
            );
          },
        ),
    ],
    [
      'calls: where only a relay would do and the relay refuses the credentials, both sides say the call could not connect',
      () =>
        // The API mints with another secret than coturn's: every allocation is refused, so no
        // candidate exists and the browsers never even report failed; the app gives up in 30 s.
        withRelayCall(
          { apiSecret: `${RELAY_SECRET}-not-the-relays`, phones: ['+14155550177', '+14155550178'] },
          async ({ ria, sol }) => {
            for (const [who, page] of [
              ['Ria', ria],
              ['Sol', sol],
            ])
              await page
                .getByRole('alert')
                .filter({
                  hasText: 'Could not connect: the relay (TURN) server could not be reached',
                })
                .waitFor({ timeout: 45_000 })
                .catch((e) => {
                  throw new Error(`${who} is told the call could not connect: ${e.message}`);
                });
            await shot(ria, 'call-failed-desktop');
            for (const page of [ria, sol])
              await eventually(
                async () => (await page.locator('section[aria-label^="Call with"]').count()) === 0,
                { message: 'the call view closes' },
              );
          },
        ),
    ],
  ];
}
