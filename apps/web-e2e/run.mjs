#!/usr/bin/env node
// Browser end-to-end tests of the Chatter web app: real API process, real Chromium, real people
// flows. Usage: node apps/web-e2e/run.mjs [--build] [--no-screenshots] [--only <text>]
// --only runs the self-contained steps whose name contains <text> (the main scenario's steps
// build on each other and run together). Prints "N passed, N failed"; exits non-zero on failure.
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS,
  CHROMIUM,
  ROOT,
  assert,
  assertEqual,
  ensureBuilt,
  eventually,
  runSteps,
  signInOnPage,
  sleep,
  startApi,
} from './src/harness.mjs';
import { callSteps } from './src/calls.steps.mjs';
import { pollStep } from './src/polls.steps.mjs';
import { moderationFlowStep } from './src/moderation-flow.mjs';
import { linkPreviewStep } from './src/link-preview.steps.mjs';
import { oidcStep } from './src/oidc.steps.mjs';
import { disappearingFlowStep } from './src/disappearing-flow.mjs';
import { safetySettingsStep } from './src/safety-settings.steps.mjs';
import { fileSharingStep } from './src/file-sharing.steps.mjs';
import { threadsStep } from './src/threads.steps.mjs';
import { emailDigestStep } from './src/email-digest.steps.mjs';
import { messageLayoutStep } from './src/message-layout.steps.mjs';

const argv = process.argv.slice(2);
const args = new Set(argv);
const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '') : undefined;
const SCREENSHOTS = join(ROOT, 'docs/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const PHONES = { ada: '+14155550101', ben: '+14155550102', cleo: '+14155550103' };
const LAN_HOST = 'chatter.test';

ensureBuilt(args.has('--build'));
// Every browser user here signs in from 127.0.0.1: lift the per-address sign-in limits, which the
// hardening suites test (the per-phone limit stays).
const api = await startApi({ LOGIN_CODES_PER_IP: '1000', LOGIN_VERIFIES_PER_IP: '2000' });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    // A non-loopback name for this machine: browsers treat it like any LAN host (no automatic
    // upgrade exemptions), which is how a team reaches a self-hosted server.
    `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`,
    // A fake microphone (a tone) for voice notes, granted without a prompt.
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
  ],
});
const pageErrors = [];
/** Every URL any page requested, to catch a request rewritten to another scheme or host. */
const requested = [];
const consoleTexts = [];
const users = {};
/** How the pages sent messages: sendMessage as an HTTP POST or as an operation on the socket. */
const sends = { http: 0, socket: 0 };

// ---------- helpers that act like a person ----------

async function openApp(viewport = DESKTOP, baseUrl = api.url) {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('dialog', (d) => void d.accept());
  page.on('pageerror', (e) => pageErrors.push(`${e.message}`));
  page.on('request', (r) => {
    requested.push(r.url());
    // By text, or by hash (persisted documents): Apollo names the operation in the body.
    if (
      r.method() === 'POST' &&
      /mutation SendMessage\b|"operationName":"SendMessage"/.test(r.postData() ?? '')
    )
      sends.http++;
  });
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      if (
        typeof payload === 'string' &&
        payload.includes('"type":"subscribe"') &&
        /mutation SendMessage\b/.test(payload)
      )
        sends.socket++;
    }),
  );
  // A view that crashed into the error boundary is a failure too.
  page.on('console', (m) => {
    consoleTexts.push(m.text());
    if (m.type() === 'error' && m.text().includes('Chatter view crashed'))
      pageErrors.push(m.text());
  });
  await page.goto(`${baseUrl}/`);
  return { context, page };
}

async function signUp(key, name, { phone = PHONES[key], baseUrl = api.url, viewport } = {}) {
  const { context, page } = await openApp(viewport, baseUrl);
  await signInOnPage(page, api, phone, name);
  users[key] = { context, page, phone, name };
  return users[key];
}

async function startChatByPhone(page, phone) {
  await page.getByRole('link', { name: 'New chat' }).first().click();
  await page.getByLabel('Message a phone number').fill(phone);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.getByLabel('Message', { exact: true }).waitFor();
}

async function openConversation(page, title) {
  await page.locator('a.conv-item', { hasText: title }).first().click();
  await page.getByLabel('Message', { exact: true }).waitFor();
}

async function send(page, text) {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Bodies of confirmed messages on screen, in display order. */
const bodies = (page) =>
  page.locator('.messages .msg:not(.msg--pending) .msg__body').allTextContents();

async function waitForBodies(page, expectedTail, what) {
  await eventually(
    async () => {
      const all = await bodies(page);
      return JSON.stringify(all.slice(-expectedTail.length)) === JSON.stringify(expectedTail);
    },
    {
      timeout: 15_000,
      message: `${what}: expected the conversation to end with ${JSON.stringify(expectedTail)}, got ${JSON.stringify(await bodies(page).catch(() => []))}`,
    },
  );
}

function message(page, text) {
  return page
    .locator('.messages .msg', { has: page.locator('.msg__body', { hasText: text }) })
    .last();
}

async function messageAction(page, text, action) {
  const m = message(page, text);
  await m.locator('.msg__bubble').hover();
  await m.getByRole('button', { name: action, exact: true }).click();
}

const count = (arr, v) => arr.filter((x) => x === v).length;

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** axe-core's critical and serious violations on the page as it is now. */
async function axeViolations(page) {
  // evaluate() runs outside the page's CSP, which (rightly) refuses injected scripts.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined')))
    await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`),
      })),
    ),
  );
  if (process.env.AXE_ALL) return result;
  return result.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await sleep(250);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

// ---------- the scenario ----------

const steps = [
  [
    'two people sign up by phone (code from the server log, name on first sign-up)',
    async () => {
      await signUp('ada', 'Ada Lovelace');
      await signUp('ben', 'Ben Okafor');
      const me = await users.ada.page.evaluate(() => localStorage.getItem('chatter.refreshToken'));
      assert(me && me.length > 10, 'the refresh token is kept for reloads');
    },
  ],
  [
    'they find each other by phone and chat both ways, live and in order',
    async () => {
      const { ada, ben } = users;
      await startChatByPhone(ada.page, ben.phone);
      await send(ada.page, 'Hi Ben! 👋');
      await send(ada.page, 'Are you coming to the workshop?');
      await send(ada.page, 'It starts at 10.');
      // Ben sees the conversation appear with an unread badge, then the messages in order.
      const item = ben.page.locator('a.conv-item', { hasText: 'Ada Lovelace' });
      await item.waitFor();
      await eventually(async () => (await item.locator('.badge').textContent()) === '3', {
        message: 'unread badge shows 3',
      });
      await openConversation(ben.page, 'Ada Lovelace');
      await waitForBodies(
        ben.page,
        ['Hi Ben! 👋', 'Are you coming to the workshop?', 'It starts at 10.'],
        'Ben',
      );
      // Ada is not in Ben's contacts: her chat is a message request until he replies.
      const request = ben.page.getByRole('region', { name: 'Message request' });
      await request.waitFor();
      await send(ben.page, 'Yes! See you there.');
      await request.waitFor({ state: 'detached' });
      await send(ben.page, 'Bringing coffee ☕');
      await waitForBodies(
        ada.page,
        ['It starts at 10.', 'Yes! See you there.', 'Bringing coffee ☕'],
        'Ada',
      );
      await waitForBodies(
        ben.page,
        ['It starts at 10.', 'Yes! See you there.', 'Bringing coffee ☕'],
        'Ben',
      );
      assertEqual(
        await item.locator('.badge').count(),
        0,
        'no unread badge on the open conversation',
      );
      // Online, messages go over the realtime socket, not as separate HTTP requests.
      assertEqual(sends, { http: 0, socket: 5 }, 'sendMessage transports while online');
    },
  ],
  [
    'typing indicator and read state',
    async () => {
      const { ada, ben } = users;
      await ben.page
        .getByLabel('Message', { exact: true })
        .pressSequentially('Just a sec', { delay: 30 });
      await ada.page.locator('.conversation__subtitle', { hasText: 'typing…' }).waitFor();
      await ben.page.getByLabel('Message', { exact: true }).fill('');
      await ada.page
        .locator('.conversation__subtitle', { hasText: 'typing…' })
        .waitFor({ state: 'detached', timeout: 15_000 });
      // Ben has the conversation open: Ada's newest message shows as seen.
      await send(ada.page, 'Great, thanks!');
      await waitForBodies(ben.page, ['Great, thanks!'], 'Ben');
      await message(ada.page, 'Great, thanks!')
        .locator('.msg__seen', { hasText: 'Seen' })
        .waitFor();
    },
  ],
  [
    'links arrive clickable and safe',
    async () => {
      const { ada, ben } = users;
      await send(
        ben.page,
        'Agenda: https://example.com/workshop?day=1. Not a link: javascript:alert(1)',
      );
      const link = message(ada.page, 'Agenda:').locator('a.msg__link');
      await link.waitFor();
      assertEqual(
        await link.getAttribute('href'),
        'https://example.com/workshop?day=1',
        'link target',
      );
      assertEqual(await link.getAttribute('rel'), 'noopener noreferrer', 'link rel');
      assertEqual(
        await message(ada.page, 'Agenda:').locator('a').count(),
        1,
        'only the web address is a link',
      );
    },
  ],
  [
    'reactions, edits and deletions reach the other side',
    async () => {
      const { ada, ben } = users;
      await messageAction(ada.page, 'Bringing coffee ☕', 'React');
      await ada.page.getByRole('menuitem', { name: 'React 👍' }).click();
      await message(ben.page, 'Bringing coffee ☕')
        .locator('.reaction', { hasText: '👍' })
        .waitFor();
      assertEqual(
        (await message(ben.page, 'Bringing coffee ☕').locator('.reaction').textContent())?.replace(
          /\s+/g,
          '',
        ),
        '👍1',
        'one 👍',
      );

      await messageAction(ben.page, 'Yes! See you there.', 'Edit');
      const box = ben.page.getByLabel('Message', { exact: true });
      await box.fill('Yes! See you there at 10.');
      await box.press('Enter');
      await message(ada.page, 'Yes! See you there at 10.').locator('.msg__edited').waitFor();

      await send(ben.page, 'oops, wrong chat');
      await waitForBodies(ada.page, ['oops, wrong chat'], 'Ada');
      await messageAction(ben.page, 'oops, wrong chat', 'Delete');
      await ada.page
        .locator('.msg__body--deleted', { hasText: 'This message was deleted' })
        .waitFor();
      assertEqual(count(await bodies(ada.page), 'oops, wrong chat'), 0, 'the deleted text is gone');
    },
  ],
  [
    'a group of three chats live',
    async () => {
      const { ada, ben } = users;
      const cleo = await signUp('cleo', 'Cleo Park');
      await ada.page.getByRole('link', { name: 'Contacts' }).first().click();
      await ada.page.getByLabel('Add by phone number').fill(cleo.phone);
      await ada.page.getByRole('button', { name: 'Add' }).click();
      await ada.page.locator('.person__name', { hasText: 'Cleo Park' }).waitFor();
      await ada.page.getByRole('link', { name: 'New chat' }).first().click();
      await ada.page.getByRole('tab', { name: 'New group' }).click();
      await ada.page.getByLabel('Group name').fill('Workshop crew');
      await ada.page.getByRole('checkbox', { name: 'Ben Okafor' }).check();
      await ada.page.getByRole('checkbox', { name: 'Cleo Park' }).check();
      await ada.page.getByRole('button', { name: 'Create group' }).click();
      await ada.page.getByLabel('Message', { exact: true }).waitFor();
      await send(ada.page, 'Welcome to the crew!');
      for (const u of [ben, cleo]) {
        await u.page.locator('a.conv-item', { hasText: 'Workshop crew' }).waitFor();
        await openConversation(u.page, 'Workshop crew');
      }
      await send(ben.page, 'Hello both');
      await waitForBodies(cleo.page, ['Welcome to the crew!', 'Hello both'], 'Cleo');
      await send(cleo.page, 'Hi! Glad to join');
      const expected = ['Welcome to the crew!', 'Hello both', 'Hi! Glad to join'];
      for (const u of [ada, ben, cleo]) await waitForBodies(u.page, expected, u.name);
      for (const u of [ada, ben, cleo])
        assertEqual(await bodies(u.page), expected, `${u.name} sees each message once, in order`);
    },
  ],
  [
    'someone offline comes back and sees every missed message exactly once, in order',
    async () => {
      const { ada, ben } = users;
      await openConversation(ada.page, 'Ben Okafor');
      await openConversation(ben.page, 'Ada Lovelace');
      const subtitle = ben.page.locator('.conversation__subtitle');
      await eventually(async () => (await subtitle.textContent()) === 'online', {
        message: 'Ben sees Ada online',
      });
      await ben.context.setOffline(true);
      await ben.page.locator('.connection').waitFor({ timeout: 15_000 });
      // Ben cannot know whether Ada is still online: the header must not claim it.
      await eventually(async () => (await subtitle.textContent()) !== 'online', {
        message: 'the header stops saying online while offline',
      });
      assert(
        /waiting for network|connecting/.test(await subtitle.textContent()),
        `offline header says ${await subtitle.textContent()}`,
      );
      const missed = ['missed 1', 'missed 2', 'missed 3', 'missed 4', 'missed 5'];
      for (const t of missed) await send(ada.page, t);
      await waitForBodies(ada.page, missed, 'Ada');
      await ben.context.setOffline(false);
      await waitForBodies(ben.page, missed, 'Ben after reconnecting');
      await sleep(1_500); // any late duplicate would show up by now
      const seen = await bodies(ben.page);
      for (const t of missed) assertEqual(count(seen, t), 1, `"${t}" shown once`);
      assertEqual(seen.slice(-5), missed, 'in order');
    },
  ],
  [
    'a message written offline is sent once when the network is back',
    async () => {
      const { ada, ben } = users;
      await ada.context.setOffline(true);
      await send(ada.page, 'written while offline');
      await ada.page.locator('.msg--pending', { hasText: 'written while offline' }).waitFor();
      await sleep(1_000);
      await ada.context.setOffline(false);
      await waitForBodies(ben.page, ['written while offline'], 'Ben');
      await waitForBodies(ada.page, ['written while offline'], 'Ada');
      await eventually(async () => (await ada.page.locator('.msg--pending').count()) === 0, {
        message: 'no pending bubble left',
      });
      await sleep(1_500);
      assertEqual(count(await bodies(ben.page), 'written while offline'), 1, 'Ben got it once');
      assertEqual(count(await bodies(ada.page), 'written while offline'), 1, 'Ada shows it once');
    },
  ],
  [
    'a reload keeps the session and the conversation',
    async () => {
      const { ada } = users;
      await ada.page.reload();
      await ada.page.getByRole('heading', { name: 'Chats' }).waitFor();
      await waitForBodies(ada.page, ['written while offline'], 'Ada after reload');
      await ada.page.locator('a.conv-item', { hasText: 'Workshop crew' }).waitFor();
      await send(ada.page, 'still here after a reload');
      await waitForBodies(users.ben.page, ['still here after a reload'], 'Ben');
    },
  ],
  [
    'a new display name reaches the other side live',
    async () => {
      const { ada, ben } = users;
      await openConversation(ada.page, 'Ben Okafor');
      // Ben renames himself; Ada's open chat and list follow without a reload.
      const rename = async (name) => {
        await ben.page.goto(`${api.url}/#/settings`);
        await ben.page.getByLabel('Name', { exact: true }).fill(name);
        await ben.page.getByRole('button', { name: 'Save profile' }).click();
      };
      await rename('Benjamin Okafor');
      await ada.page.locator('.conversation__title', { hasText: 'Benjamin Okafor' }).waitFor();
      await ada.page.locator('a.conv-item', { hasText: 'Benjamin Okafor' }).waitFor();
      await rename('Ben Okafor');
      await ada.page.locator('.conversation__title', { hasText: /^Ben Okafor$/ }).waitFor();
      await openConversation(ben.page, 'Ada Lovelace');
    },
  ],
  [
    'history loads page by page when scrolling up, without gaps or repeats',
    async () => {
      const { ben, cleo } = users;
      await startChatByPhone(cleo.page, ben.phone);
      const many = Array.from({ length: 40 }, (_, i) => `history ${i + 1}`);
      for (const t of many) await send(cleo.page, t);
      await waitForBodies(cleo.page, many.slice(-3), 'Cleo');
      // A fresh load of Ben's page: only the newest page is fetched at first.
      await ben.page.reload();
      await openConversation(ben.page, 'Cleo Park');
      await waitForBodies(ben.page, many.slice(-3), 'Ben after reload');
      const firstLoad = await bodies(ben.page);
      assert(!firstLoad.includes('history 1'), 'the oldest message is not loaded up front');
      await eventually(
        async () => {
          await ben.page.locator('.messages').evaluate((el) => (el.scrollTop = 0));
          return (await bodies(ben.page)).includes('history 1');
        },
        { timeout: 20_000, interval: 400, message: 'scrolling up reaches the first message' },
      );
      const all = await bodies(ben.page);
      assertEqual(all[0], 'history 1', 'the conversation starts with the first message');
      assertEqual(new Set(all).size, all.length, 'no message shown twice');
      assertEqual(all, many, 'all of the history, in order');
      await ben.page.locator('.messages__start').waitFor();
    },
  ],
  [
    'message search finds and jumps to a message',
    async () => {
      const { ben } = users;
      await openConversation(ben.page, 'Ada Lovelace');
      await ben.page.getByRole('link', { name: 'Search messages' }).click();
      await ben.page.getByLabel('Search in this conversation').fill('workshop');
      const result = ben.page.locator('.search-result', {
        hasText: 'Are you coming to the workshop?',
      });
      await result.click();
      await message(ben.page, 'Are you coming to the workshop?').locator('.msg__bubble').waitFor();
      await ben.page.locator('.msg--highlight').waitFor();
    },
  ],
  [
    'public channels can be created, found and joined',
    async () => {
      const { ben, cleo } = users;
      await ben.page.goto(`${api.url}/#/new/channels`);
      await ben.page.getByLabel('Create a public channel').fill('Announcements');
      await ben.page.getByRole('button', { name: 'Create', exact: true }).click();
      await ben.page.getByLabel('Message', { exact: true }).waitFor();
      await send(ben.page, 'Welcome to announcements');
      await cleo.page.goto(`${api.url}/#/new/channels`);
      await cleo.page.getByLabel('Search channels').fill('Announ');
      await eventually(async () => (await cleo.page.locator('.people .person').count()) === 1, {
        message: 'the search narrows the list to one channel',
      });
      const row = cleo.page.locator('.person', { hasText: 'Announcements' });
      await row.getByRole('button', { name: 'Join' }).click();
      await waitForBodies(cleo.page, ['Welcome to announcements'], 'Cleo in the channel');
      await send(cleo.page, 'Glad to be here');
      await waitForBodies(
        ben.page,
        ['Welcome to announcements', 'Glad to be here'],
        'Ben in the channel',
      );
    },
  ],
  [
    'sign out, then sign back in without a name step',
    async () => {
      const { cleo } = users;
      await cleo.page.goto(`${api.url}/#/settings`);
      await cleo.page.getByRole('button', { name: 'Sign out' }).click();
      await cleo.page.getByLabel('Phone number').waitFor();
      assertEqual(
        await cleo.page.evaluate(() => localStorage.getItem('chatter.refreshToken')),
        null,
        'tokens are gone',
      );
      await signInOnPage(cleo.page, api, cleo.phone);
      await cleo.page.locator('a.conv-item', { hasText: 'Workshop crew' }).waitFor();
    },
  ],
  [
    'no uncaught errors in any page',
    async () => {
      assertEqual(pageErrors, [], 'page errors');
    },
  ],
];

if (!args.has('--no-screenshots')) {
  steps.push([
    'screenshots of the main screens (desktop and phone, light and dark)',
    async () => {
      const { ada } = users;
      const page = ada.page;
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize(DESKTOP);
        await openConversation(page, 'Ben Okafor');
        await shot(page, `desktop-${scheme}-conversation`);
        await openConversation(page, 'Workshop crew');
        await page.getByRole('link', { name: 'Conversation details' }).click();
        await page.locator('.person__name', { hasText: 'Cleo Park' }).waitFor();
        await shot(page, `desktop-${scheme}-group-details`);
        await page.setViewportSize(PHONE);
        await page.goto(`${api.url}/#/`);
        await page.getByRole('heading', { name: 'Chats' }).waitFor();
        await shot(page, `phone-${scheme}-conversations`);
        await openConversation(page, 'Ben Okafor');
        await shot(page, `phone-${scheme}-conversation`);
      }
      await page.setViewportSize(DESKTOP);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${api.url}/#/settings`);
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      await shot(page, 'desktop-light-settings');
      await page.goto(`${api.url}/#/new`);
      await shot(page, 'desktop-light-new-chat');
      for (const scheme of ['light', 'dark']) {
        const { context, page: p } = await openApp(DESKTOP);
        await p.emulateMedia({ colorScheme: scheme });
        await p.getByLabel('Phone number').waitFor();
        await shot(p, `desktop-${scheme}-sign-in`);
        await p.setViewportSize(PHONE);
        await shot(p, `phone-${scheme}-sign-in`);
        await context.close();
      }
    },
  ]);
}

/** Presses `key` until the focused element matches `selector` (and `text`, if given). */
async function pressUntil(page, key, selector, { text, max = 40 } = {}) {
  for (let i = 0; i < max; i++) {
    const ok = await page.evaluate(
      ([sel, t]) => {
        const el = document.activeElement;
        return (
          !!el &&
          el.matches(sel) &&
          (!t ||
            (el.textContent ?? '').includes(t) ||
            (el.getAttribute('aria-label') ?? '').includes(t))
        );
      },
      [selector, text],
    );
    if (ok) return;
    await page.keyboard.press(key);
  }
  throw new Error(`focus never reached ${selector}${text ? ` (${text})` : ''} with ${key}`);
}

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el
      ? `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).trim().split(/\s+/).join('.')}` : ''}|${el.getAttribute('aria-label') ?? ''}`
      : '';
  });

/** Steps that set up their own people and can run alone (--only). */
const standalone = [
  [
    'PWA: manifest and service worker, a push shows a notification per conversation that opens it',
    async () => {
      const zoe = await signUp('zoe', 'Zoe Quinn', { phone: '+14155550197' });
      const yan = await signUp('yan', 'Yan Li', { phone: '+14155550198' });
      await startChatByPhone(yan.page, zoe.phone);
      await send(yan.page, 'are you there?');
      const conversationId = decodeURIComponent(/#\/c\/([^/]+)/.exec(yan.page.url())?.[1] ?? '');
      assert(conversationId, `a conversation id in ${yan.page.url()}`);
      const page = zoe.page;
      const origin = new URL(api.url).origin;
      await zoe.context.grantPermissions(['notifications'], { origin });

      // The manifest is linked, valid, and its icons load as PNGs of the sizes it claims.
      const manifest = await page.evaluate(async () => {
        const link = document.querySelector('link[rel="manifest"]');
        const res = await fetch(link.href);
        const body = await res.json();
        const icons = await Promise.all(
          body.icons.map(async (i) => {
            const r = await fetch(i.src);
            const bitmap = await createImageBitmap(await r.blob());
            return { ...i, status: r.status, type: r.headers.get('content-type'), w: bitmap.width };
          }),
        );
        return { type: res.headers.get('content-type'), body, icons };
      });
      assert(/manifest\+json/.test(manifest.type), `manifest type ${manifest.type}`);
      assertEqual(manifest.body.display, 'standalone', 'display');
      assertEqual(manifest.body.start_url, '/', 'start_url');
      assert(manifest.body.name && manifest.body.short_name, 'names');
      for (const icon of manifest.icons) {
        assertEqual(icon.status, 200, `icon ${icon.src}`);
        assertEqual(icon.type, 'image/png', `icon type ${icon.src}`);
        assertEqual(`${icon.w}x${icon.w}`, icon.sizes, `icon size ${icon.src}`);
      }
      assert(
        manifest.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'),
        'a maskable icon',
      );

      // The worker registers, controls the page and caches the shell; GraphQL is not cached.
      const sw = await page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        const cached = await (await caches.open('chatter-shell-v1')).keys();
        return {
          scope: reg.scope,
          script: reg.active?.scriptURL,
          cached: cached.map((r) => new URL(r.url).pathname),
        };
      });
      assertEqual(sw.scope, `${origin}/`, 'scope');
      assertEqual(sw.script, `${origin}/sw.js`, 'worker script');
      assert(sw.cached.includes('/index.html'), `shell cached: ${sw.cached.join(',')}`);
      assert(!sw.cached.some((p) => p.startsWith('/graphql')), 'GraphQL is never cached');

      // Deliver pushes to the worker as a push service would (DevTools protocol).
      const cdp = await zoe.context.newCDPSession(page);
      const registrations = [];
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) =>
        registrations.push(...e.registrations),
      );
      await cdp.send('ServiceWorker.enable');
      await eventually(async () => registrations.some((r) => r.scopeURL === `${origin}/`), {
        message: 'registration',
      });
      const { registrationId } = registrations.find((r) => r.scopeURL === `${origin}/`);
      const push = (body, messageId) =>
        cdp.send('ServiceWorker.deliverPushMessage', {
          origin,
          registrationId,
          data: JSON.stringify({
            v: 1,
            type: 'MESSAGE',
            title: 'Yan Li',
            body,
            tag: `conversation:${conversationId}`,
            url: `/#/c/${encodeURIComponent(conversationId)}`,
            conversationId,
            messageId,
            mention: false,
            badge: null,
            sentAt: new Date().toISOString(),
          }),
        });
      const shown = () =>
        page.evaluate(async () =>
          (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
            title: n.title,
            body: n.body,
            tag: n.tag,
          })),
        );

      // While a Chatter tab has focus, the tab shows the message: no notification.
      await page.bringToFront();
      await page.evaluate(() => window.focus());
      if (await page.evaluate(() => document.hasFocus())) {
        await push('seen in the tab', 'm0');
        await sleep(500);
        assertEqual((await shown()).length, 0, 'no notification while focused');
      }

      // Chatter closed (no tab of ours; the browser still runs the worker): one notification
      // per conversation, the newer replacing the older.
      await page.goto('about:blank');
      const [worker] = zoe.context.serviceWorkers();
      assert(worker, 'the worker runs without a tab');
      await push('first', 'm1');
      await push('second 🎉', 'm2');
      const shownNow = () =>
        worker.evaluate(async () =>
          (await self.registration.getNotifications()).map((n) => ({
            title: n.title,
            body: n.body,
            tag: n.tag,
          })),
        );
      await eventually(async () => (await shownNow()).some((n) => n.body === 'second 🎉'), {
        message: 'shown',
      });
      const list = await shownNow();
      assertEqual(list.length, 1, `one notification per conversation: ${JSON.stringify(list)}`);
      assertEqual(list[0].title, 'Yan Li', 'title');
      assertEqual(list[0].tag, `conversation:${conversationId}`, 'tag');

      // Activating it (as a click does) opens that conversation in the open tab.
      await page.goto(`${api.url}/#/settings`);
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      await page.evaluate(async (tag) => {
        const reg = await navigator.serviceWorker.ready;
        reg.active.postMessage({ type: 'chatter:activate-notification', tag });
      }, `conversation:${conversationId}`);
      await eventually(
        async () => page.url().includes(`#/c/${encodeURIComponent(conversationId)}`),
        { message: 'the conversation opened' },
      );
      await waitForBodies(page, ['are you there?'], 'Zoe');
      assertEqual((await shown()).length, 0, 'the clicked notification is closed');

      // The conversation's own notification settings sit in its details.
      await page.getByRole('link', { name: 'Conversation details' }).click();
      const level = page.getByRole('combobox', { name: 'Notify me about' });
      await level.selectOption('MENTIONS');
      await eventually(async () => (await level.inputValue()) === 'MENTIONS', {
        message: 'the level is saved',
      });
      await page.getByRole('combobox', { name: 'Snooze' }).waitFor();
      if (!args.has('--no-screenshots'))
        await shot(page, 'conversation-notifications-desktop-light');
    },
  ],
  [
    'notification settings: permission prompt flow, devices and quiet hours (screenshots)',
    async () => {
      for (const [viewport, label] of [
        [DESKTOP, 'desktop'],
        [PHONE, 'phone'],
      ]) {
        for (const scheme of ['light', 'dark']) {
          const key = `set-${label}-${scheme}`;
          const phone = `+141555501${label === 'phone' ? 7 : 8}${scheme === 'dark' ? 1 : 2}`;
          const u = await signUp(key, 'Nia Settings', { phone, viewport });
          await u.page.emulateMedia({ colorScheme: scheme });
          await u.page.goto(`${api.url}/#/settings`);
          const section = u.page.getByRole('region', { name: 'Notifications' });
          await section.getByRole('button', { name: 'Turn on notifications' }).waitFor();
          const quiet = section.getByRole('checkbox', { name: 'Do not disturb at night' });
          await quiet.click();
          await section.getByLabel('From').waitFor();
          await section.getByRole('combobox', { name: 'Channels' }).selectOption('NONE');
          await eventually(
            async () =>
              (await section.getByRole('combobox', { name: 'Channels' }).inputValue()) === 'NONE',
            { message: 'saved' },
          );
          if (label === 'desktop' && scheme === 'light') {
            const violations = await axeViolations(u.page);
            assertEqual(violations.map((v) => v.id).join(','), '', 'axe on notification settings');
          }
          await section.scrollIntoViewIfNeeded();
          if (!args.has('--no-screenshots'))
            await shot(u.page, `notification-settings-${label}-${scheme}`);
          await u.context.close();
        }
      }
    },
  ],
  [
    'keyboard only: open a chat, send, move between messages, react, reply, open and close details',
    async () => {
      const ivy = await signUp('ivy', 'Ivy Chen', { phone: '+14155550131' });
      // After creating the account focus is on the chat list, not lost on the page.
      assert(
        (await focused(ivy.page)).startsWith('h2.sidebar__title'),
        `focus after sign-up: ${await focused(ivy.page)}`,
      );
      const jon = await signUp('jon', 'Jon Weber', { phone: '+14155550132' });
      await startChatByPhone(jon.page, ivy.phone);
      await send(jon.page, 'hello from Jon');
      const page = ivy.page;
      await page.locator('a.conv-item', { hasText: 'Jon Weber' }).waitFor();
      // Everything below uses the keyboard only.
      await pressUntil(page, 'Tab', 'a.conv-item', { text: 'Jon Weber' });
      await page.keyboard.press('Enter');
      await page.getByLabel('Message', { exact: true }).waitFor();
      await pressUntil(page, 'Tab', 'textarea');
      await page.keyboard.type('Sent by keyboard');
      await page.keyboard.press('Enter');
      await waitForBodies(page, ['hello from Jon', 'Sent by keyboard'], 'Ivy');
      // One Tab stop for the whole list; the arrows move between messages.
      await pressUntil(page, 'Shift+Tab', '.msg__bubble', { max: 10 });
      assert(
        (await page.evaluate(() => document.activeElement.textContent)).includes(
          'Sent by keyboard',
        ),
        'the list starts at the newest message',
      );
      await page.keyboard.press('ArrowUp');
      assert(
        (await page.evaluate(() => document.activeElement.textContent)).includes('hello from Jon'),
        'ArrowUp moves to the previous message',
      );
      // React: Enter enters the message's buttons, the picker takes focus, Escape gives it back.
      await page.keyboard.press('Enter');
      await pressUntil(page, 'ArrowRight', 'button', { text: 'React', max: 6 });
      await page.keyboard.press('Enter');
      await pressUntil(page, 'ArrowRight', '[role="menuitem"]', { text: '👍', max: 8 });
      await page.keyboard.press('Escape');
      assertEqual(
        await focused(page),
        'button.icon-button.icon-button--small|React',
        'Escape returns focus to React',
      );
      await page.keyboard.press('Enter');
      await pressUntil(page, 'ArrowRight', '[role="menuitem"]', { text: '❤', max: 8 });
      await page.keyboard.press('Enter');
      await message(jon.page, 'hello from Jon').locator('.reaction', { hasText: '❤' }).waitFor();
      // Reply: to the message's Reply button, then the composer.
      await pressUntil(page, 'ArrowRight', 'button', { text: 'Reply', max: 8 });
      await page.keyboard.press('Enter');
      await pressUntil(page, 'Tab', 'textarea', { max: 3 });
      await page.keyboard.type('Replied by keyboard');
      await page.keyboard.press('Enter');
      await message(jon.page, 'Replied by keyboard')
        .locator('.msg__quote', { hasText: 'hello from Jon' })
        .waitFor();
      // Any emoji: the composer's picker inserts at the caret and gives focus back to the text.
      await pressUntil(page, 'Tab', 'textarea', { max: 6 });
      await page.keyboard.type('Party ');
      await page.keyboard.press('Tab');
      assertEqual(
        await focused(page),
        'button.icon-button|Insert emoji',
        'Tab from the text reaches the emoji button',
      );
      await page.keyboard.press('Enter');
      await pressUntil(page, 'ArrowRight', '.emoji-grid__item', { text: '🎉', max: 120 });
      await page.keyboard.press('Enter');
      await eventually(async () => (await focused(page)).startsWith('textarea'), {
        timeout: 3_000,
        message: 'focus back in the composer',
      });
      await page.keyboard.press('Enter');
      await waitForBodies(jon.page, ['Party 🎉'], 'Jon');
      // …and as a reaction, beyond the quick six.
      await pressUntil(page, 'Shift+Tab', '.msg__bubble', { max: 10 });
      await page.keyboard.press('End');
      assert(
        (await page.evaluate(() => document.activeElement.textContent)).includes('Party 🎉'),
        'End moves to the newest message',
      );
      await page.keyboard.press('Enter');
      await pressUntil(page, 'ArrowRight', 'button', { text: 'React', max: 6 });
      await page.keyboard.press('Enter');
      await pressUntil(page, 'ArrowRight', '[role="menuitem"]', {
        text: 'More reactions',
        max: 10,
      });
      await page.keyboard.press('Enter');
      await pressUntil(page, 'ArrowRight', '.emoji-grid__item', { text: '🚀', max: 120 });
      await page.keyboard.press('Enter');
      await message(jon.page, 'Party 🎉').locator('.reaction', { hasText: '🚀' }).waitFor();
      // Details open with Enter and close with Escape wherever focus is; focus returns.
      await pressUntil(page, 'Shift+Tab', '[data-panel-toggle="details"]');
      await page.keyboard.press('Enter');
      await page.locator('aside.side-panel').getByRole('heading', { name: 'Details' }).waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Escape');
      await page.locator('aside.side-panel').waitFor({ state: 'detached' });
      await eventually(async () => (await focused(page)).endsWith('|Conversation details'), {
        message: 'focus back on the details button',
      });
      for (const u of [ivy, jon]) await u.context.close();
    },
  ],
  [
    'accessibility: no critical or serious axe-core violations on the main screens (desktop and phone, light and dark)',
    async () => {
      const gia = await signUp('gia', 'Gia Rossi', { phone: '+14155550121' });
      const hal = await signUp('hal', 'Hal Berg', { phone: '+14155550122' });
      await gia.page.getByRole('link', { name: 'Contacts' }).first().click();
      await gia.page.getByLabel('Add by phone number').fill(hal.phone);
      await gia.page.getByRole('button', { name: 'Add' }).click();
      await gia.page.locator('.person__name', { hasText: 'Hal Berg' }).waitFor();
      await startChatByPhone(gia.page, hal.phone);
      await send(gia.page, 'Hello Hal, see https://example.com');
      await hal.page.locator('a.conv-item', { hasText: 'Gia Rossi' }).waitFor();
      await openConversation(hal.page, 'Gia Rossi');
      await send(hal.page, 'Hi Gia!');
      await waitForBodies(gia.page, ['Hello Hal, see https://example.com', 'Hi Gia!'], 'Gia');
      const page = gia.page;
      const signedOut = await browser.newContext({ viewport: DESKTOP });
      const signIn = await signedOut.newPage();
      await signIn.goto(`${api.url}/`);
      await signIn.getByLabel('Phone number').waitFor();
      await signIn.getByLabel('Country').waitFor();
      const found = [];
      const check = async (p, screen) => {
        await sleep(150);
        for (const v of await axeViolations(p)) found.push({ screen, ...v });
      };
      const screens = [
        ['list', '#/', () => page.getByRole('heading', { name: 'Chats' }).waitFor()],
        ['conversation', null, () => openConversation(page, 'Hal Berg')],
        [
          'details',
          null,
          async () => {
            await page.getByRole('link', { name: 'Conversation details' }).click();
            await page.locator('aside.side-panel').waitFor();
          },
        ],
        ['settings', '#/settings', () => page.getByRole('heading', { name: 'Settings' }).waitFor()],
        [
          'contacts',
          '#/contacts',
          () => page.locator('.person__name', { hasText: 'Hal Berg' }).waitFor(),
        ],
        ['new chat', '#/new', () => page.getByLabel('Message a phone number').waitFor()],
      ];
      for (const scheme of ['light', 'dark']) {
        for (const [size, viewport] of [
          ['desktop', DESKTOP],
          ['phone', PHONE],
        ]) {
          for (const p of [page, signIn]) {
            await p.emulateMedia({ colorScheme: scheme });
            await p.setViewportSize(viewport);
          }
          await check(signIn, `${size} ${scheme} sign-in`);
          for (const [name, hash, ready] of screens) {
            if (hash) await page.goto(`${api.url}/${hash}`);
            await ready();
            await check(page, `${size} ${scheme} ${name}`);
          }
        }
      }
      await signedOut.close();
      assertEqual(found, [], 'critical and serious axe-core violations');
    },
  ],
  [
    'served over plain HTTP on a LAN name: nothing is upgraded to https, people sign in and chat',
    async () => {
      const base = `http://${LAN_HOST}:${new URL(api.url).port}`;
      const from = requested.length;
      const dee = await signUp('dee', 'Dee Lan', { phone: '+14155550111', baseUrl: base });
      const eli = await signUp('eli', 'Eli Lan', { phone: '+14155550112', baseUrl: base });
      await startChatByPhone(dee.page, eli.phone);
      await send(dee.page, 'hello over the LAN');
      await eli.page.locator('a.conv-item', { hasText: 'Dee Lan' }).waitFor();
      await openConversation(eli.page, 'Dee Lan');
      await waitForBodies(eli.page, ['hello over the LAN'], 'Eli');
      await send(eli.page, 'loud and clear');
      await waitForBodies(dee.page, ['hello over the LAN', 'loud and clear'], 'Dee');
      const ours = requested.slice(from).filter((u) => u.includes(LAN_HOST));
      assert(ours.length > 0, 'the pages loaded from the LAN name');
      assertEqual(
        ours.filter((u) => !u.startsWith(`${base}/`)),
        [],
        'requests off the page origin',
      );
      assertEqual(pageErrors, [], 'page errors');
      // The production build runs Apollo Client in production mode: no DevTools hook or prompt.
      assertEqual(
        await dee.page.evaluate(() => typeof window.__APOLLO_CLIENT__),
        'undefined',
        'Apollo DevTools hook',
      );
      assertEqual(
        consoleTexts.filter((t) => /Apollo DevTools|apollo/i.test(t)),
        [],
        'Apollo console messages',
      );
      for (const u of [dee, eli]) await u.context.close();
    },
  ],
  [
    'without JavaScript, or when the bundle cannot load, the page says why instead of staying blank',
    async () => {
      const noJs = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
      const p1 = await noJs.newPage();
      await p1.goto(`${api.url}/`);
      // (Playwright's text matching skips <noscript>, so read the rendered paragraph itself.)
      await p1.locator('.noscript').waitFor();
      assert(
        (await p1.locator('.noscript').innerText()).startsWith('Chatter needs JavaScript.'),
        'the noscript message is shown',
      );
      await noJs.close();
      const blocked = await browser.newContext({ viewport: DESKTOP });
      const p2 = await blocked.newPage();
      await p2.route(/\/assets\/.*\.js$/, (route) => route.abort());
      await p2.goto(`${api.url}/`);
      await p2.getByRole('alert').getByText('Chatter could not load').waitFor();
      await p2.getByRole('button', { name: 'Reload' }).waitFor();
      await blocked.close();
    },
  ],
  [
    'group changes are lines in the timeline: renamed, added, removed, left, joined; kept in the history',
    async () => {
      const kim = await signUp('kim', 'Kim Sato', { phone: '+14155550141' });
      const lou = await signUp('lou', 'Lou Diaz', { phone: '+14155550142' });
      const max = await signUp('max', 'Max Ruiz', { phone: '+14155550143' });
      for (const other of [lou, max]) {
        await kim.page.getByRole('link', { name: 'Contacts' }).first().click();
        await kim.page.getByLabel('Add by phone number').fill(other.phone);
        await kim.page.getByRole('button', { name: 'Add' }).click();
        await kim.page.locator('.person__name', { hasText: other.name }).waitFor();
      }
      await kim.page.getByRole('link', { name: 'New chat' }).first().click();
      await kim.page.getByRole('tab', { name: 'New group' }).click();
      await kim.page.getByLabel('Group name').fill('Notice board');
      await kim.page.getByRole('checkbox', { name: 'Lou Diaz' }).check();
      await kim.page.getByRole('button', { name: 'Create group' }).click();
      await send(kim.page, 'First message');
      await lou.page.locator('a.conv-item', { hasText: 'Notice board' }).waitFor();
      await openConversation(lou.page, 'Notice board');
      await waitForBodies(lou.page, ['First message'], 'Lou');

      // Kim renames the group, adds Max and removes him again, from the details panel.
      await kim.page.getByRole('link', { name: 'Conversation details' }).click();
      const panel = kim.page.getByRole('complementary', { name: 'Conversation details' });
      await panel.getByLabel('Name').fill('Notice board ✨ <b>x</b>');
      await panel.getByRole('button', { name: 'Rename' }).click();
      await panel.getByRole('button', { name: 'Add', exact: true }).click();
      await panel.getByRole('checkbox', { name: 'Max Ruiz' }).check();
      await panel.getByRole('button', { name: /^Add 1/ }).click();
      await panel.locator('.person__name', { hasText: 'Max Ruiz' }).waitFor();
      await panel.getByRole('button', { name: 'Remove Max Ruiz' }).click();
      await panel.locator('.person__name', { hasText: 'Max Ruiz' }).waitFor({ state: 'detached' });
      await send(kim.page, 'Back to two');

      const lines = (page) => page.locator('.messages .notice__text').allInnerTexts();
      const expected = [
        'Kim Sato renamed the group to “Notice board ✨ <b>x</b>”',
        'Kim Sato added Max Ruiz',
        'Kim Sato removed Max Ruiz',
      ];
      const withoutTimes = async (page) =>
        (await lines(page)).map((t) => t.replace(/\s*\d{1,2}:\d{2}.*$/s, ''));
      await eventually(
        async () => JSON.stringify(await withoutTimes(lou.page)) === JSON.stringify(expected),
        { message: `Lou's timeline lines: ${JSON.stringify(await withoutTimes(lou.page))}` },
      );
      // Lines sit between the messages they came between, and text stays text.
      await waitForBodies(lou.page, ['First message', 'Back to two'], 'Lou');
      const order = await lou.page
        .locator('.messages__list > [role="listitem"]:is(.msg, .notice)')
        .evaluateAll((els) => els.map((e) => (e.classList.contains('notice') ? 'line' : 'msg')));
      assertEqual(order, ['msg', 'line', 'line', 'line', 'msg'], 'lines between the messages');
      assertEqual(
        await lou.page.locator('.messages .notice b').count(),
        0,
        'no markup from a title',
      );
      assertEqual(
        await withoutTimes(kim.page),
        expected.map((t) => t.replace('Kim Sato', 'You')),
        'Kim reads them as her own',
      );

      // Lou leaves; Kim sees it live. Then a reload rebuilds every line from the history.
      await lou.page.getByRole('link', { name: 'Conversation details' }).click();
      await lou.page.getByRole('button', { name: 'Leave group' }).click();
      await kim.page.locator('.notice__text', { hasText: 'Lou Diaz left' }).waitFor();
      await kim.page.reload();
      await kim.page.locator('.notice__text', { hasText: 'Lou Diaz left' }).waitFor();
      assertEqual(
        await withoutTimes(kim.page),
        [...expected.map((t) => t.replace('Kim Sato', 'You')), 'Lou Diaz left'],
        'after a reload, from the history',
      );

      // Joining a public channel is a line too.
      await max.page.goto(`${api.url}/#/new/channels`);
      await max.page.getByLabel('Create a public channel').fill('Notice channel');
      await max.page.getByRole('button', { name: 'Create', exact: true }).click();
      await send(max.page, 'Channel open');
      await kim.page.goto(`${api.url}/#/new/channels`);
      await kim.page.getByLabel('Search channels').fill('Notice channel');
      await kim.page
        .locator('.person', { hasText: 'Notice channel' })
        .getByRole('button', { name: 'Join' })
        .click();
      await max.page.locator('.notice__text', { hasText: 'Kim Sato joined' }).waitFor();
      if (!args.has('--no-screenshots')) {
        await openConversation(kim.page, 'Notice board');
        await shot(kim.page, 'desktop-light-timeline-lines');
      }
      for (const u of [kim, lou, max]) await u.context.close();
    },
  ],
  [
    'a number without an account gets an invitation; channel names are unique; a channel has a description',
    async () => {
      const quinn = await signUp('quinn', 'Quinn Hale', { phone: '+14155550161' });
      const page = quinn.page;
      const stranger = '+14155550169';
      // From Contacts and from New chat, an unknown number offers an invitation.
      await page.getByRole('link', { name: 'Contacts' }).first().click();
      await page.getByLabel('Add by phone number').fill(stranger);
      await page.getByRole('button', { name: 'Add' }).click();
      await page.getByText('No one on Chatter has this number yet.').waitFor();
      const card = page.getByRole('region', { name: 'Invite to Chatter' });
      await card.waitFor();
      const href = await card.getByRole('link', { name: 'Send by SMS' }).getAttribute('href');
      assert(href?.startsWith(`sms:${stranger}?body=`), `sms link: ${href}`);
      const body = decodeURIComponent(href.split('body=')[1]);
      assertEqual(
        body,
        `Quinn Hale invites you to chat on Chatter. Sign up with this phone number at ${api.url}/`,
        'the invitation text',
      );
      // Or the server texts it through its configured SMS sender (the log sender here).
      const logFrom = api.output().length;
      await card.getByRole('button', { name: 'Let Chatter text them' }).click();
      await card.getByText('Invitation sent to').waitFor();
      await eventually(
        async () =>
          api.output().slice(logFrom).includes(`invitation for ${stranger} in tenant default`),
        { message: 'the invitation SMS in the server log' },
      );
      await page.getByRole('link', { name: 'New chat' }).first().click();
      await page.getByLabel('Message a phone number').fill(stranger);
      await page.getByRole('button', { name: 'Start chat' }).click();
      await page.getByRole('region', { name: 'Invite to Chatter' }).waitFor();
      if (!args.has('--no-screenshots')) await shot(page, 'desktop-light-invite');

      // Channel names are unique in the tenant, whatever the case or spacing.
      await page.goto(`${api.url}/#/new/channels`);
      await page.getByLabel('Create a public channel').fill('Quiet Room');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByLabel('Message', { exact: true }).waitFor();
      await page.goto(`${api.url}/#/new/channels`);
      await page.getByLabel('Create a public channel').fill('quiet   ROOM');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByText('A channel with this name already exists. Pick another name.').waitFor();

      // The owner describes the channel; it shows in Details, in the header and as a timeline line.
      await openConversation(page, 'Quiet Room');
      await page.getByRole('link', { name: 'Conversation details' }).click();
      const panel = page.getByRole('complementary', { name: 'Conversation details' });
      await panel.getByLabel('Description').fill('Calm talk only 🌿 <no shouting>');
      await panel.getByRole('button', { name: 'Save description' }).click();
      await panel
        .locator('.profile-card__description', { hasText: 'Calm talk only 🌿 <no shouting>' })
        .waitFor();
      await page.locator('.notice__text', { hasText: 'You changed the description' }).waitFor();
      // A long Details panel scrolls; its settings card is never squeezed and cut off.
      assert(
        await panel
          .locator('.settings-list')
          .evaluate((el) => el.scrollHeight <= el.clientHeight + 1),
        'the conversation settings are not cut off',
      );
      // Its first line is the channel's topic in the conversation header.
      await page
        .locator('.conversation__subtitle', {
          hasText: '1 member · channel · Calm talk only 🌿 <no shouting>',
        })
        .waitFor();
      if (!args.has('--no-screenshots')) await shot(page, 'desktop-light-channel-description');
      await quinn.context.close();
    },
  ],
  [
    'delivery ticks: sent, delivered while the chat is closed, seen once opened',
    async () => {
      const rae = await signUp('rae', 'Rae Tanaka', { phone: '+14155550162' });
      const sol = await signUp('sol', 'Sol Reyes', { phone: '+14155550163' });
      await startChatByPhone(rae.page, sol.phone);
      await send(rae.page, 'Are you there?');
      // A stranger's chat is a message request: Sol accepts it (until then ticks tell Rae nothing).
      await openConversation(sol.page, 'Rae Tanaka');
      await sol.page
        .getByRole('region', { name: 'Message request' })
        .getByRole('button', { name: 'Accept' })
        .click();
      await sol.page
        .getByRole('region', { name: 'Message request' })
        .waitFor({ state: 'detached' });
      await sol.page.goto(`${api.url}/#/`);
      await sol.page.getByRole('heading', { name: 'Chats' }).waitFor();
      // Sol's app is online but the chat is not open: the next message is delivered, not seen.
      await send(rae.page, 'Lunch at noon 🍜');
      const tick = message(rae.page, 'Lunch at noon').locator('.msg__tick');
      await eventually(async () => (await tick.getAttribute('data-tick')) === 'delivered', {
        timeout: 15_000,
        message: 'the tick shows delivered',
      });
      assertEqual(await tick.getAttribute('aria-label'), 'Delivered', 'the tick is labelled');
      await message(rae.page, 'Lunch at noon')
        .locator('.msg__seen', { hasText: 'Delivered' })
        .waitFor();
      if (!args.has('--no-screenshots')) await shot(rae.page, 'desktop-light-delivered');
      await openConversation(sol.page, 'Rae Tanaka');
      await eventually(async () => (await tick.getAttribute('data-tick')) === 'read', {
        timeout: 15_000,
        message: 'the tick shows read',
      });
      await message(rae.page, 'Lunch at noon').locator('.msg__seen', { hasText: 'Seen' }).waitFor();
      if (!args.has('--no-screenshots')) await shot(rae.page, 'desktop-light-seen');
      await rae.context.close();
      await sol.context.close();
    },
  ],
  [
    'formatting: bold, italic, strike, code, quotes and lists render as elements, markup as text',
    async () => {
      const wes = await signUp('wes', 'Wes Moreau', { phone: '+14155550175' });
      const xia = await signUp('xia', 'Xia Chen', { phone: '+14155550176' });
      await startChatByPhone(wes.page, xia.phone);
      await send(wes.page, 'Plan: *bold* _calm_ ~late~ `npm test` <img src=x onerror=alert(1)>');
      const box = wes.page.getByLabel('Message', { exact: true });
      await box.fill('> quoted line\n- first\n- second');
      await box.press('Enter');
      await openConversation(xia.page, 'Wes Moreau');
      const plan = message(xia.page, 'Plan:');
      await plan.locator('strong', { hasText: 'bold' }).waitFor();
      assertEqual(await plan.locator('em').textContent(), 'calm', 'italic');
      assertEqual(await plan.locator('s').textContent(), 'late', 'strike');
      assertEqual(await plan.locator('code').textContent(), 'npm test', 'inline code');
      assertEqual(await plan.locator('img').count(), 0, 'markup in a body stays text');
      const list = message(xia.page, 'quoted line');
      await list.locator('blockquote', { hasText: 'quoted line' }).waitFor();
      assertEqual(await list.locator('ul li').allTextContents(), ['first', 'second'], 'list items');
      if (!args.has('--no-screenshots')) await shot(xia.page, 'desktop-light-formatting');
      await wes.context.close();
      await xia.context.close();
    },
  ],
  [
    'search in every script: Japanese, Thai, emoji and accents, with the matches marked',
    async () => {
      const uma = await signUp('uma', 'Uma Sato', { phone: '+14155550173' });
      const vic = await signUp('vic', 'Vic Laurent', { phone: '+14155550174' });
      await startChatByPhone(uma.page, vic.phone);
      for (const body of [
        '東京で会いましょう',
        'สวัสดีครับ ยินดีต้อนรับ',
        'Party tonight 🎉 at the Café Crème',
        'Nothing to see here',
      ])
        await send(uma.page, body);
      await waitForBodies(uma.page, ['Nothing to see here'], 'Uma');
      await vic.page.locator('a.conv-item', { hasText: 'Uma Sato' }).waitFor();
      const region = vic.page.getByRole('region', { name: 'Messages' });
      const marks = region.locator('.search-result mark');
      for (const [query, expected] of [
        ['東京', ['東京']],
        ['ยินดี', ['ยินดี']],
        ['🎉', ['🎉']],
        ['cafe creme', ['Café', 'Crème']],
      ]) {
        await vic.page.getByLabel('Search conversations').fill(query);
        await eventually(
          async () => JSON.stringify(await marks.allTextContents()) === JSON.stringify(expected),
          { message: `${query} marks ${JSON.stringify(expected)}` },
        );
      }
      assertEqual(await region.locator('.search-result').count(), 1, 'one message matches');
      if (!args.has('--no-screenshots')) await shot(vic.page, 'desktop-light-search-scripts');
      await uma.context.close();
      await vic.context.close();
    },
  ],
  [
    'search across all conversations from the chat list opens the conversation at the message',
    async () => {
      const nia = await signUp('nia', 'Nia Cole', { phone: '+14155550151' });
      const oto = await signUp('oto', 'Oto Berg', { phone: '+14155550152' });
      const pat = await signUp('pat', 'Pat Wu', { phone: '+14155550153' });
      await startChatByPhone(oto.page, nia.phone);
      await send(oto.page, 'The quokka photos are in the shared folder');
      for (let i = 0; i < 45; i++) await send(oto.page, `filler ${i}`);
      await waitForBodies(oto.page, ['filler 44'], 'Oto');
      await startChatByPhone(pat.page, nia.phone);
      await send(pat.page, 'Did you see the quokka?');
      await nia.page.locator('a.conv-item', { hasText: 'Pat Wu' }).waitFor();
      await nia.page.locator('a.conv-item', { hasText: 'Oto Berg' }).waitFor();

      await nia.page.getByLabel('Search conversations').fill('quokka');
      const results = nia.page.getByRole('region', { name: 'Messages' }).locator('.search-result');
      await eventually(async () => (await results.count()) === 2, {
        message: 'two messages match, from two conversations',
      });
      const texts = await results.allInnerTexts();
      assert(
        texts.some((t) => t.includes('Oto Berg') && t.includes('quokka photos')),
        `a result names its conversation: ${JSON.stringify(texts)}`,
      );
      if (!args.has('--no-screenshots')) await shot(nia.page, 'desktop-light-search-everywhere');
      // The older message sits far up a long history: it is loaded and brought into view.
      await results.filter({ hasText: 'quokka photos' }).click();
      await nia.page.locator('.conversation__header', { hasText: 'Oto Berg' }).waitFor();
      const target = message(nia.page, 'The quokka photos are in the shared folder');
      await target.locator('.msg__bubble').waitFor();
      await eventually(
        () =>
          target.evaluate((el) => {
            const box = el.getBoundingClientRect();
            const view = el.closest('.messages').getBoundingClientRect();
            return box.top >= view.top && box.bottom <= view.bottom;
          }),
        { message: 'the message is scrolled into view' },
      );
      // The address no longer names the message: a reload opens the chat at its end.
      await eventually(
        async () => !(await nia.page.evaluate(() => location.hash)).includes('/m/'),
        {
          message: 'the message position is dropped from the address',
        },
      );
      // A mid-size window: Details slides over the conversation instead of squeezing it.
      await nia.page.setViewportSize({ width: 1000, height: 760 });
      await nia.page.getByRole('link', { name: 'Conversation details' }).click();
      const details = nia.page.getByRole('complementary', { name: 'Conversation details' });
      await details.waitFor();
      const widths = await nia.page.evaluate(() => ({
        main: document.querySelector('.conversation__main').getBoundingClientRect().width,
        panel: document.querySelector('.side-panel').getBoundingClientRect().width,
      }));
      assert(widths.main >= 600, `the conversation keeps its width: ${JSON.stringify(widths)}`);
      assert(widths.panel >= 300, `the panel is readable: ${JSON.stringify(widths)}`);
      if (!args.has('--no-screenshots')) await shot(nia.page, 'tablet-light-details-over');
      await nia.page.keyboard.press('Escape');
      await details.waitFor({ state: 'detached' });
      await nia.page.setViewportSize(DESKTOP);
      const none = nia.page.getByLabel('Search conversations');
      await none.fill('zebra-unheard-of');
      await nia.page.getByText('No messages found.').waitFor();
      for (const u of [nia, oto, pat]) await u.context.close();
    },
  ],
];

/** Signs a user up over HTTP (as a script would), for the steps that need tokens, not pages. */
async function apiSignUp(phone, name) {
  const post = async (query, variables) => {
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const json = await res.json();
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return json.data;
  };
  const since = api.output().length;
  await post('mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', { p: phone });
  const code = await api.loginCode(phone, since);
  const data = await post(
    'mutation($p:String!,$c:String!,$n:String){ verifyLoginCode(phone:$p, code:$c, name:$n){ accessToken user { id } } }',
    { p: phone, c: code, n: name },
  );
  return { token: data.verifyLoginCode.accessToken, id: data.verifyLoginCode.user.id };
}

/** The text of one of GraphiQL's CodeMirror editors. */
const editorText = (page, selector) =>
  page
    .locator(`${selector} .CodeMirror`)
    .first()
    .evaluate((el) => el.CodeMirror.getValue());
const setEditorText = (page, selector, text) =>
  page
    .locator(`${selector} .CodeMirror`)
    .first()
    .evaluate((el, t) => el.CodeMirror.setValue(t), text);

standalone.push([
  'the GraphiQL playground at /graphql: schema, docs, autocompletion, queries and a live subscription, offline',
  async () => {
    const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const foreign = [];
    // Anything not served by the API itself is refused, as on an offline machine.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(api.url) || url.startsWith('data:') || url.startsWith('blob:'))
        return route.continue();
      foreign.push(url);
      return route.abort();
    });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/graphql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });

    // The schema loads (standard introspection passes the query limits): the docs explorer
    // lists the root types, and Query's fields include conversations.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Root Types').waitFor();
    await docs
      .locator('a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ })
      .first()
      .click();
    await docs
      .locator('.graphiql-doc-explorer-field-name', { hasText: /^conversations$/ })
      .waitFor();
    assert(
      (await docs.innerText()).includes('ConversationConnection!'),
      'Query.conversations shows its type',
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'playground-docs.png') });
    assertEqual((await editorText(page, '.result-window')).trim(), '', 'no error on load');

    // Autocompletion from the schema: typing inside a selection offers the matching field.
    await setEditorText(page, '.graphiql-query-editor', '{\n  \n}');
    await page
      .locator('.graphiql-query-editor .CodeMirror')
      .first()
      .evaluate((el) => {
        el.CodeMirror.focus();
        el.CodeMirror.setCursor({ line: 1, ch: 2 });
      });
    await page.keyboard.type('convers');
    await page
      .locator('.CodeMirror-hints li', { hasText: /^conversations/ })
      .first()
      .waitFor();
    await page.keyboard.press('Escape');

    // A query with the token in the Headers tab returns the caller's data.
    const ivy = await apiSignUp('+14155550188', 'Ivy Playground');
    const jon = await apiSignUp('+14155550189', 'Jon Sender');
    await setEditorText(
      page,
      '.graphiql-editor-tool .graphiql-editor:not(.hidden)',
      JSON.stringify({ authorization: `Bearer ${ivy.token}` }, null, 2),
    );
    await setEditorText(
      page,
      '.graphiql-query-editor',
      'query Me {\n  me {\n    id\n    name\n  }\n}',
    );
    await page.getByRole('button', { name: /Execute query/ }).click();
    await eventually(
      async () => (await editorText(page, '.result-window')).includes('Ivy Playground'),
      {
        timeout: 15_000,
        message: 'the Me query answered in the result pane',
      },
    );
    assert(
      (await editorText(page, '.result-window')).includes(ivy.id),
      'the result is the token owner',
    );

    // A chatEvents subscription (over the same page's WebSocket, headers as connectionParams)
    // shows a message that another client sends.
    await setEditorText(
      page,
      '.graphiql-query-editor',
      'subscription Live {\n  chatEvents {\n    __typename\n    ... on MessageAdded {\n      message {\n        body\n        sender { name }\n      }\n    }\n  }\n}',
    );
    await page.getByRole('button', { name: /Execute query/ }).click();
    const body = `from another client ✨ ${Date.now()}`;
    const jonPost = async (query, variables) => {
      const res = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${jon.token}` },
        body: JSON.stringify({ query, variables }),
      });
      const json = await res.json();
      if (json.errors) throw new Error(JSON.stringify(json.errors));
      return json.data;
    };
    const dm = await jonPost('mutation($u:ID!){ openDirectConversation(userId:$u){ id } }', {
      u: ivy.id,
    });
    let n = 0;
    // The subscription starts asynchronously: send until the pane shows one (each send is new).
    await eventually(
      async () => {
        // GraphiQL takes the operation name from the editor after a debounce: a run that went
        // out with the previous one ("Me") is answered with an error, so run it again.
        if ((await editorText(page, '.result-window')).includes('Unknown operation named'))
          await page.getByRole('button', { name: /Execute query/ }).click();
        await jonPost('mutation($i:SendMessageInput!){ sendMessage(input:$i){ id } }', {
          i: { conversationId: dm.openDirectConversation.id, clientMessageId: `pg-${++n}`, body },
        });
        await sleep(500);
        return (await editorText(page, '.result-window')).includes(body);
      },
      { timeout: 20_000, message: 'the subscription showed the message' },
    );
    assert((await editorText(page, '.result-window')).includes('MessageAdded'), 'event type shown');
    assertEqual(foreign, [], 'requests to other hosts');
    assertEqual(errors, [], 'playground page errors');
    await context.close();
  },
]);

standalone.push([
  'with TRUSTED_DOCUMENTS=on the web app works (operations sent by hash only) and ad hoc queries are refused',
  async () => {
    const trusted = await startApi({ TRUSTED_DOCUMENTS: 'on' });
    const contexts = [];
    const bodies = [];
    try {
      const open = async (phone, name) => {
        const context = await browser.newContext({ viewport: DESKTOP });
        contexts.push(context);
        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        page.on('pageerror', (e) => pageErrors.push(`${e.message}`));
        page.on('request', (r) => {
          if (r.url().includes('/graphql'))
            bodies.push({ method: r.method(), url: r.url(), body: r.postData() });
        });
        page.on('websocket', (ws) =>
          ws.on('framesent', ({ payload }) => {
            if (typeof payload === 'string' && payload.includes('"type":"subscribe"'))
              bodies.push({ method: 'WS', url: ws.url(), body: payload });
          }),
        );
        await page.goto(`${trusted.url}/`);
        await signInOnPage(page, trusted, phone, name);
        return page;
      };
      const kim = await open('+14155550191', 'Kim Trusted');
      const lee = await open('+14155550192', 'Lee Trusted');
      await startChatByPhone(kim, '+14155550192');
      await send(kim, 'only trusted documents here 🔒');
      await waitForBodies(kim, ['only trusted documents here 🔒'], 'sender');
      await openConversation(lee, 'Kim Trusted');
      await waitForBodies(lee, ['only trusted documents here 🔒'], 'recipient');
      // Every HTTP operation went by hash alone; queries as GET.
      const http = bodies.filter((b) => b.method !== 'WS');
      assert(http.length > 5, `the pages made GraphQL requests (${http.length})`);
      for (const b of http) {
        assert(!new URL(b.url).searchParams.has('query'), `no query text in ${b.url}`);
        if (b.body) assert(!JSON.parse(b.body).query, `no query text in ${b.body.slice(0, 200)}`);
      }
      assert(
        http.some((b) => b.method === 'GET'),
        'queries went as GET',
      );
      assert(
        bodies.some((b) => b.method === 'WS' && b.body.includes('sha256Hash')),
        'socket operations named their hash',
      );
      // The same origin, an ad hoc query: refused.
      const refused = await kim.evaluate(async () => {
        const res = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ me { id phone } }' }),
        });
        return { status: res.status, body: await res.json() };
      });
      assertEqual(refused.status, 400, 'ad hoc status');
      assertEqual(
        refused.body.errors[0].extensions.code,
        'PERSISTED_QUERY_NOT_IN_LIST',
        'ad hoc code',
      );
    } finally {
      for (const c of contexts) await c.close().catch(() => undefined);
      await trusted.stop();
    }
  },
]);

standalone.push([
  'attachments: a photo, a PDF and a voice note; the other sees the thumbnail, opens the photo, downloads the PDF and plays the note',
  async () => {
    const sharp = createRequire(import.meta.url)('sharp');
    // A 1200×800 photo with a GPS position in its EXIF: the server strips it.
    const photo = await sharp({
      create: { width: 1200, height: 800, channels: 3, background: { r: 40, g: 120, b: 200 } },
    })
      .composite([
        {
          input: Buffer.from(
            '<svg width="1200" height="800"><circle cx="600" cy="400" r="260" fill="#f5b041"/><rect x="0" y="620" width="1200" height="180" fill="#1e8449"/></svg>',
          ),
        },
      ])
      .jpeg({ quality: 85 })
      .withExif({ IFD0: { Make: 'Chatter test camera' }, IFD3: { GPSLatitudeRef: 'N' } })
      .toBuffer();
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    );
    const ana = await signUp('ana', 'Ana Lopez', { phone: '+14155550144' });
    const bo = await signUp('bo', 'Bo Lind', { phone: '+14155550145' });
    await ana.context.grantPermissions(['microphone'], { origin: api.url });
    await startChatByPhone(ana.page, bo.phone);
    const a = ana.page;

    // Two files through the attach button, each with its own progress bar.
    const chooser = a.waitForEvent('filechooser');
    await a.getByRole('button', { name: 'Attach files' }).click();
    await (
      await chooser
    ).setFiles([
      { name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'itinerary.pdf', mimeType: 'application/pdf', buffer: pdf },
    ]);
    const tray = a.getByRole('list', { name: 'Attachments' });
    await eventually(
      async () =>
        (await tray.locator('.upload[data-status="done"]').count()) === 2 &&
        (await tray.locator('progress').evaluateAll((bars) => bars.map((b) => b.value))).every(
          (v) => v === 100,
        ),
      { timeout: 20_000, message: 'both uploads finished' },
    );
    await shot(a, 'attachments-composer-desktop-light');
    const box = a.getByLabel('Message', { exact: true });
    await box.fill('Trip photo and plan');
    await box.press('Enter');
    await waitForBodies(a, ['Trip photo and plan'], 'Ana');
    assertEqual(await tray.count(), 0, 'the tray is empty after sending');

    // A voice note from the (fake) microphone.
    await a.getByRole('button', { name: 'Record voice note' }).click();
    await a.getByRole('timer').waitFor();
    await sleep(1_600);
    await a.getByRole('button', { name: 'Stop and send voice note' }).click();
    await a.locator('.msg .att-audio').waitFor({ timeout: 20_000 });

    // Bo sees the thumbnail (a small preview, not the original), opens the photo full size.
    const b = bo.page;
    await openConversation(b, 'Ana Lopez');
    const thumb = b.getByRole('button', { name: 'Open photo sunset.jpg' }).locator('img');
    await eventually(() => thumb.evaluate((img) => img.complete && img.naturalWidth > 0), {
      message: 'the thumbnail loaded',
    });
    const thumbSize = await thumb.evaluate((img) => [img.naturalWidth, img.naturalHeight]);
    assert(thumbSize[0] <= 480 && thumbSize[0] > 0, `thumbnail width ${thumbSize}`);
    assert(
      (await thumb.getAttribute('src')).includes('/files/thumbnail/'),
      'the bubble shows the thumbnail link',
    );
    await b.locator('.msg .att-audio').waitFor();
    await shot(b, 'attachments-desktop-light');
    const axeBubbles = await axeViolations(b);
    await b.getByRole('button', { name: 'Open photo sunset.jpg' }).click();
    const dialog = b.getByRole('dialog', { name: 'sunset.jpg' });
    const full = dialog.locator('img');
    await eventually(() => full.evaluate((img) => img.complete && img.naturalWidth > 0), {
      message: 'the full-size photo loaded',
    });
    assertEqual(
      await full.evaluate((img) => [img.naturalWidth, img.naturalHeight]),
      [1200, 800],
      'full size',
    );
    // The served photo carries no EXIF (its GPS block included).
    const served = await b.evaluate(
      async (src) => {
        const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
        return String.fromCharCode(...bytes.subarray(0, 4096));
      },
      await full.getAttribute('src'),
    );
    assert(!served.includes('Exif') && !served.includes('Chatter test camera'), 'EXIF stripped');
    await shot(b, 'attachments-lightbox-desktop-light');
    const axeLightbox = await axeViolations(b);
    await b.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert(
      await b.evaluate(
        () => document.activeElement?.getAttribute('aria-label') === 'Open photo sunset.jpg',
      ),
      'focus back on the photo',
    );

    // Downloads the PDF from its card.
    const card = b.getByRole('link', { name: /^Download itinerary\.pdf\s*PDF/ });
    const downloading = b.waitForEvent('download');
    await card.click();
    const download = await downloading;
    assertEqual(download.suggestedFilename(), 'itinerary.pdf', 'downloaded name');
    const { readFile } = await import('node:fs/promises');
    const got = await readFile(await download.path());
    assert(got.equals(pdf), 'the downloaded PDF has the sent bytes');

    // The voice note shows its length before it is played (measured by the server: a recorded
    // WebM has none in its header, so the player alone would say nothing until played through).
    const noteLength = b.locator('.att-audio .att-audio__duration');
    await noteLength.waitFor({ timeout: 15_000 });
    const [, seconds] = /^0:(\d\d)$/.exec((await noteLength.textContent()) ?? '') ?? [];
    assert(
      Number(seconds) >= 1 && Number(seconds) <= 3,
      `voice note length ${await noteLength.textContent()}`,
    );
    assert(
      (await b.locator('.att-audio audio').getAttribute('aria-label')) ===
        `Voice note, 0:${seconds}`,
      'the player is labelled with the length',
    );
    await eventually(
      async () =>
        (await b.locator('.conv-item__preview').first().textContent())?.includes(
          `Voice note (0:${seconds})`,
        ),
      { message: 'the chat list gives the voice note with its length' },
    );

    // Plays the voice note.
    const audio = b.locator('.att-audio audio');
    await audio.evaluate((el) => el.play());
    await eventually(() => audio.evaluate((el) => el.currentTime > 0.2 || el.ended), {
      message: 'the voice note plays',
    });
    assert((await audio.evaluate((el) => el.error)) === null, 'the note decodes');

    // Phone and dark.
    await b.setViewportSize(PHONE);
    await b.emulateMedia({ colorScheme: 'dark' });
    await sleep(300);
    await shot(b, 'attachments-phone-dark');
    const axeDark = await axeViolations(b);
    assertEqual([...axeBubbles, ...axeLightbox, ...axeDark], [], 'axe-core violations');
    for (const u of [ana, bo]) await u.context.close();
  },
]);

standalone.push([
  'removed member keeps a read-only chat: history up to the removal, a notice instead of the composer, still in the list',
  async () => {
    const ria = await signUp('ria', 'Ria Park', { phone: '+14155550177' });
    const sol = await signUp('sol', 'Sol Vega', { phone: '+14155550178' });
    try {
      await ria.page.getByRole('link', { name: 'Contacts' }).first().click();
      await ria.page.getByLabel('Add by phone number').fill(sol.phone);
      await ria.page.getByRole('button', { name: 'Add' }).click();
      await ria.page.locator('.person__name', { hasText: 'Sol Vega' }).waitFor();
      await ria.page.getByRole('link', { name: 'New chat' }).first().click();
      await ria.page.getByRole('tab', { name: 'New group' }).click();
      await ria.page.getByLabel('Group name').fill('Book club');
      await ria.page.getByRole('checkbox', { name: 'Sol Vega' }).check();
      await ria.page.getByRole('button', { name: 'Create group' }).click();
      await send(ria.page, 'Chapter one is great');
      await sol.page.locator('a.conv-item', { hasText: 'Book club' }).waitFor();
      await openConversation(sol.page, 'Book club');
      await waitForBodies(sol.page, ['Chapter one is great'], 'Sol before the removal');
      await send(sol.page, 'Agreed!');
      await waitForBodies(ria.page, ['Chapter one is great', 'Agreed!'], 'Ria');

      // Ria removes Sol while Sol has the chat open.
      await ria.page.getByRole('link', { name: 'Conversation details' }).click();
      const panel = ria.page.getByRole('complementary', { name: 'Conversation details' });
      await panel.getByRole('button', { name: 'Remove Sol Vega' }).click();
      await panel.locator('.person__name', { hasText: 'Sol Vega' }).waitFor({ state: 'detached' });
      await send(ria.page, 'Chapter two, members only');

      const notice = sol.page.getByRole('status').filter({ hasText: 'You were removed' });
      await notice.waitFor();
      assertEqual(
        (await notice.locator('.read-only-notice__title').textContent())?.trim(),
        'You were removed from this group by Ria Park',
        'the notice says who removed Sol',
      );
      assertEqual(
        await sol.page.getByLabel('Message', { exact: true }).count(),
        0,
        'no composer in a read-only chat',
      );
      await sleep(1_000);
      assertEqual(
        await bodies(sol.page),
        ['Chapter one is great', 'Agreed!'],
        'Sol keeps the history up to the removal, and nothing after',
      );
      await sol.page.locator('.messages .notice__text', { hasText: 'removed you' }).waitFor();
      await sol.page.locator('a.conv-item', { hasText: 'Book club' }).waitFor();
      assertEqual(
        await sol.page.getByText('Conversation not found').count(),
        0,
        'not "Conversation not found"',
      );
      const violations = await axeViolations(sol.page);
      assertEqual(violations, [], 'axe on the read-only chat');
      if (!args.has('--no-screenshots')) await shot(sol.page, 'desktop-light-removed-member');

      // A reload rebuilds the same read-only chat from the server.
      await sol.page.reload();
      await sol.page.getByRole('status').filter({ hasText: 'You were removed' }).waitFor();
      await waitForBodies(sol.page, ['Chapter one is great', 'Agreed!'], 'Sol after a reload');
      assertEqual(
        await sol.page.getByLabel('Message', { exact: true }).count(),
        0,
        'still no composer after a reload',
      );
      await sol.page.locator('a.conv-item', { hasText: 'Book club' }).waitFor();
      if (!args.has('--no-screenshots')) {
        await sol.page.setViewportSize(PHONE);
        await sol.page.emulateMedia({ colorScheme: 'dark' });
        await sleep(200);
        assertEqual(await axeViolations(sol.page), [], 'axe on the phone, dark');
        await shot(sol.page, 'phone-dark-removed-member');
      }
    } finally {
      for (const u of [ria, sol]) await u.context.close();
    }
  },
]);
standalone.push(
  messageLayoutStep({
    signUp,
    startChatByPhone,
    send,
    waitForBodies,
    shot,
    screenshots: !args.has('--no-screenshots'),
    phone: PHONE,
  }),
);
standalone.push(...callSteps({ api, pageErrors }));
standalone.push(moderationFlowStep({ browser, pageErrors, DESKTOP, PHONE, SCREENSHOTS }));
standalone.push(linkPreviewStep({ browser, pageErrors, DESKTOP, SCREENSHOTS }));
standalone.push(
  oidcStep({
    browser,
    pageErrors,
    DESKTOP,
    SCREENSHOTS,
    screenshots: !args.has('--no-screenshots'),
  }),
);
standalone.push(
  emailDigestStep({
    browser,
    pageErrors,
    DESKTOP,
    SCREENSHOTS,
    screenshots: !args.has('--no-screenshots'),
  }),
);
standalone.push(disappearingFlowStep({ browser, pageErrors, DESKTOP, SCREENSHOTS }));
standalone.push(safetySettingsStep({ browser, pageErrors, DESKTOP, PHONE, SCREENSHOTS }));
standalone.push(fileSharingStep({ browser, pageErrors, DESKTOP, SCREENSHOTS }));
standalone.push(
  threadsStep({
    signUp,
    startChatByPhone,
    openConversation,
    send,
    message,
    messageAction,
    shot,
    axeViolations,
    screenshots: !args.has('--no-screenshots'),
  }),
);
standalone.push(
  pollStep({ signUp, openConversation, shot, screenshots: !args.has('--no-screenshots') }),
);

standalone.push([
  "a bot's messages carry a BOT badge (desktop light and dark)",
  async () => {
    const ADMIN = 'web-e2e-admin-token-0123456789';
    const botApi = await startApi({ ADMIN_TOKEN: ADMIN });
    const contexts = [];
    try {
      const post = async (query, variables, headers = {}) => {
        const res = await fetch(`${botApi.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query, variables }),
        });
        const json = await res.json();
        if (json.errors) throw new Error(JSON.stringify(json.errors));
        return json.data;
      };
      const phone = '+14155550181';
      const created = await post(
        'mutation { createBot(tenantId: "default", name: "Deploy Bot", scopes: [READ, SEND]) { token bot { id } } }',
        {},
        { 'x-admin-token': ADMIN },
      );
      for (const colorScheme of ['light', 'dark']) {
        const context = await browser.newContext({ viewport: DESKTOP, colorScheme });
        contexts.push(context);
        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        page.on('pageerror', (e) => pageErrors.push(`${e.message}`));
        await page.goto(`${botApi.url}/`);
        // The dark pass signs in to the account the light pass created.
        await signInOnPage(
          page,
          botApi,
          phone,
          colorScheme === 'light' ? 'Rae Builder' : undefined,
        );
        if (colorScheme === 'light') {
          const raeId = await page.evaluate(() => localStorage.getItem('chatter.userId'));
          assert(raeId, 'the page knows its user id');
          // A teammate (over HTTP) makes the group with Rae and the bot.
          const samPhone = '+14155550182';
          const since = botApi.output().length;
          await post('mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', { p: samPhone });
          const sam = await post(
            'mutation($p:String!,$c:String!){ verifyLoginCode(phone:$p, code:$c, name:"Sam Ops"){ accessToken } }',
            { p: samPhone, c: await botApi.loginCode(samPhone, since) },
          );
          const token = sam.verifyLoginCode.accessToken;
          const group = await post(
            'mutation($m:[ID!]!) { createGroup(input: { title: "Deploys", memberIds: $m }) { id } }',
            { m: [raeId, created.createBot.bot.id] },
            { authorization: `Bearer ${token}` },
          );
          await post(
            'mutation($c:ID!) { sendMessage(input: { conversationId: $c, body: "Deployed v1.4.2 to production ✅", clientMessageId: "bot-1" }) { id } }',
            { c: group.createGroup.id },
            { authorization: `Bearer ${created.createBot.token}` },
          );
        }
        await page.getByText('Deploys').first().click();
        await page.getByText('Deployed v1.4.2 to production ✅').waitFor();
        const sender = page.locator('.msg__sender', { hasText: 'Deploy Bot' });
        await sender.waitFor();
        assertEqual(await sender.locator('.bot-badge').textContent(), 'BOT', 'badge text');
        await shot(page, `bot-badge-desktop-${colorScheme}`);
      }
    } finally {
      for (const c of contexts) await c.close().catch(() => undefined);
      await botApi.stop();
    }
  },
]);

const selected =
  only === undefined
    ? [...steps, ...standalone]
    : only === 'main'
      ? steps
      : standalone.filter(([name]) => name.includes(only));

let result = { passed: 0, failed: 1 };
try {
  console.log(`web-e2e: API at ${api.url}, Chromium ${browser.version()}`);
  result = await runSteps(selected, {
    onFailure: async (name) => {
      for (const [key, u] of Object.entries(users)) {
        await u.page
          .screenshot({
            path: join(ARTIFACTS, `${name.replace(/\W+/g, '-').slice(0, 50)}-${key}.png`),
          })
          .catch(() => undefined);
      }
    },
  });
} finally {
  await browser.close().catch(() => undefined);
  await api.stop();
}
if (result.failed) console.log(`(failure screenshots in ${ARTIFACTS})`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed ? 1 : 0);
