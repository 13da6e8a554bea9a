#!/usr/bin/env node
// Screenshot of a real Chatter push notification on a Linux desktop: docs/screenshots/
// notification.png (light) and notification-dark.png (dark).
//
// Nothing is drawn by hand: a virtual X screen (Xvfb) with a session D-Bus and a notification
// daemon (dunst), Debian's Chromium run headful on it, the API serving the built web app. A user
// signs up, allows notifications and opens Chatter so its service worker registers; then the
// Chatter tab leaves (about:blank, so no Chatter tab is focused), a push is delivered to the
// worker as a push service would (DevTools `ServiceWorker.deliverPushMessage`), the worker shows
// the notification, Chromium hands it to the desktop over D-Bus, dunst draws the popup, and the
// whole X screen is captured (`xwd -root`, converted to PNG here).
//
// Needs: a build (node scripts/build.mjs api web), /usr/bin/chromium, and
//   apt-get install -y --no-install-recommends xvfb dunst dbus x11-apps
// Usage: node apps/web-e2e/notification-screenshot.mjs   (npm run screenshot:notification)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  CHROMIUM,
  ROOT,
  ensureBuilt,
  eventually,
  signInOnPage,
  sleep,
  startApi,
} from './src/harness.mjs';

const SCREEN = { width: 1280, height: 800 };
const SCREENSHOTS = join(ROOT, 'docs/screenshots');

for (const tool of ['Xvfb', 'dunst', 'dbus-daemon', 'xwd']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
    throw new Error(
      `${tool} is missing: apt-get install -y --no-install-recommends xvfb dunst dbus x11-apps`,
    );
}
ensureBuilt(false);

const work = mkdtempSync(join(tmpdir(), 'chatter-notification-shot-'));
const children = [];
function start(cmd, args, env) {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  children.push(child);
  return { child, output: () => out };
}

// A free display number: the first without an X lock file.
let display = 99;
while (existsSync(`/tmp/.X${display}-lock`)) display++;
const DISPLAY = `:${display}`;
start('Xvfb', [DISPLAY, '-screen', '0', `${SCREEN.width}x${SCREEN.height}x24`, '-nolisten', 'tcp']);
await eventually(async () => existsSync(`/tmp/.X11-unix/X${display}`), { message: 'Xvfb' });

// A private session bus, so the notification daemon and Chromium meet on it.
const bus = start('dbus-daemon', ['--session', '--nofork', '--print-address=1']);
const DBUS_SESSION_BUS_ADDRESS = (
  await eventually(async () => bus.output().split('\n')[0].trim(), { message: 'dbus address' })
).trim();
const desktop = { DISPLAY, DBUS_SESSION_BUS_ADDRESS };

// dunst: a popup near the top right, readable type, Chatter's icon on the left.
const dunstrc = join(work, 'dunstrc');
function writeDunstrc(dark) {
  const [bg, fg, frame] = dark
    ? ['#1f2329', '#e8eaed', '#3c4043']
    : ['#ffffff', '#202124', '#dadce0'];
  writeFileSync(
    dunstrc,
    `[global]
    monitor = 0
    follow = none
    width = 380
    height = 160
    origin = top-right
    offset = 24x24
    notification_limit = 3
    padding = 14
    horizontal_padding = 14
    text_icon_padding = 14
    frame_width = 1
    frame_color = "${frame}"
    separator_color = frame
    corner_radius = 0
    show_indicators = no
    font = DejaVu Sans 11
    markup = full
    format = "<small>%a</small>\\n<b>%s</b>\\n%b"
    alignment = left
    word_wrap = yes
    icon_position = left
    min_icon_size = 48
    max_icon_size = 48
    show_age_threshold = -1
    ignore_dbusclose = true
[urgency_low]
    background = "${bg}"
    foreground = "${fg}"
    timeout = 0
[urgency_normal]
    background = "${bg}"
    foreground = "${fg}"
    timeout = 0
[urgency_critical]
    background = "${bg}"
    foreground = "${fg}"
    timeout = 0
`,
  );
}

const api = await startApi({ LOGIN_CODES_PER_IP: '1000', LOGIN_VERIFIES_PER_IP: '2000' });
const origin = new URL(api.url).origin;

async function signUp(context, phone, name) {
  const page = await context.newPage();
  await page.goto(`${api.url}/`);
  await signInOnPage(page, api, phone, name);
  return page;
}

/** Reads an X window dump (ZPixmap, 24/32 bits per pixel) and writes it as an RGB PNG. */
function xwdToPng(xwd, file) {
  const u32 = (i) => xwd.readUInt32BE(i * 4); // the header is big-endian
  const [headerSize, width, height] = [u32(0), u32(4), u32(5)];
  const [byteOrder, bitsPerPixel, bytesPerLine, ncolors] = [u32(7), u32(11), u32(12), u32(19)];
  const [redMask, greenMask, blueMask] = [u32(14), u32(15), u32(16)];
  if (u32(2) !== 2 || (bitsPerPixel !== 32 && bitsPerPixel !== 24))
    throw new Error(`unsupported window dump (format ${u32(2)}, ${bitsPerPixel} bits)`);
  const shift = (mask) => Math.log2(mask & -mask);
  const [rs, gs, bs] = [shift(redMask), shift(greenMask), shift(blueMask)];
  const step = bitsPerPixel / 8;
  const offset = headerSize + ncolors * 12;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const at = offset + y * bytesPerLine + x * step;
      const px =
        step === 4
          ? byteOrder === 0
            ? xwd.readUInt32LE(at)
            : xwd.readUInt32BE(at)
          : byteOrder === 0
            ? xwd.readUIntLE(at, 3)
            : xwd.readUIntBE(at, 3);
      raw[row + 1 + x * 3] = (px & redMask) >>> rs;
      raw[row + 2 + x * 3] = (px & greenMask) >>> gs;
      raw[row + 3 + x * 3] = (px & blueMask) >>> bs;
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

async function shoot(colorScheme, file, phones) {
  writeDunstrc(colorScheme === 'dark');
  const dunst = start('dunst', ['-config', dunstrc], desktop);
  await sleep(500);
  if (dunst.child.exitCode !== null) throw new Error(`dunst exited: ${dunst.output()}`);
  // Launched after the daemon: Chromium looks for a desktop notification server when it starts.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: false,
    env: { ...process.env, ...desktop },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--password-store=basic',
      `--window-size=${SCREEN.width},${SCREEN.height}`,
      '--window-position=0,0',
      // The browser's own frame follows the picture's scheme too.
      ...(colorScheme === 'dark' ? ['--force-dark-mode'] : []),
    ],
  });
  const contexts = [];
  try {
    // Zoe allows notifications and opens Chatter once, so its service worker registers; then her
    // tab leaves for about:blank: no Chatter tab of hers is open, the worker still runs.
    const context = await browser.newContext({ viewport: null, colorScheme });
    contexts.push(context);
    await context.grantPermissions(['notifications'], { origin });
    const page = await signUp(context, phones.zoe, 'Zoe Quinn');
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const registrations = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) =>
      registrations.push(...e.registrations),
    );
    await cdp.send('ServiceWorker.enable');
    const { registrationId } = await eventually(
      async () => registrations.find((r) => r.scopeURL === `${origin}/`),
      { message: 'service worker registration' },
    );
    await page.goto('about:blank');

    // Yan, in another window in front, writes to Zoe: the background of the picture.
    const yanContext = await browser.newContext({ viewport: null, colorScheme });
    contexts.push(yanContext);
    const yan = await signUp(yanContext, phones.yan, 'Yan Li');
    await yan.getByRole('link', { name: 'New chat' }).first().click();
    await yan.getByLabel('Message a phone number').fill(phones.zoe);
    await yan.getByRole('button', { name: 'Start chat' }).click();
    const box = yan.getByLabel('Message', { exact: true });
    await box.waitFor();
    const text = 'Are we still on for 7pm? 🍜';
    await box.fill(text);
    await box.press('Enter');
    await yan.getByText(text).first().waitFor();
    const conversationId = decodeURIComponent(/#\/c\/([^/]+)/.exec(yan.url())?.[1] ?? '');
    if (!conversationId) throw new Error(`no conversation id in ${yan.url()}`);

    // The push a push service would deliver to Zoe's browser for that message.
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin,
      registrationId,
      data: JSON.stringify({
        v: 1,
        type: 'MESSAGE',
        title: 'Yan Li',
        body: text,
        tag: `conversation:${conversationId}`,
        url: `/#/c/${encodeURIComponent(conversationId)}`,
        conversationId,
        messageId: 'm1',
        mention: false,
        badge: 1,
        sentAt: new Date().toISOString(),
      }),
    });
    await eventually(
      () =>
        page.evaluate(async () => {
          const reg = await navigator.serviceWorker.getRegistration('/');
          return reg ? (await reg.getNotifications()).length > 0 : true;
        }),
      { message: 'the worker showed a notification' },
    ).catch(() => undefined);
    // Chromium hands the notification (with its icon) to the daemon over D-Bus; dunst draws it.
    await sleep(3000);
    const dump = join(work, 'screen.xwd');
    const xwd = spawnSync('xwd', ['-root', '-silent', '-out', dump], {
      env: { ...process.env, ...desktop },
    });
    if (xwd.status !== 0) throw new Error(`xwd failed: ${xwd.stderr}`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    xwdToPng(readFileSync(dump), file);
    console.log(`wrote ${file}`);
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser.close().catch(() => undefined);
    dunst.child.kill('SIGTERM');
    await sleep(300);
  }
}

try {
  await shoot('light', join(SCREENSHOTS, 'notification.png'), {
    zoe: '+14155550197',
    yan: '+14155550198',
  });
  if (!process.argv.includes('--light-only'))
    await shoot('dark', join(SCREENSHOTS, 'notification-dark.png'), {
      zoe: '+14155550195',
      yan: '+14155550196',
    });
} finally {
  await api.stop();
  for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
