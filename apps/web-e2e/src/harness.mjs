// Browser test harness: a real API process (embedded mode, temp DATA_DIR, free port) serving the
// built web app, Debian's Chromium through playwright-core, and a tiny sequential test runner.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const API_ENTRY = join(ROOT, 'dist/api/main.js');
export const WEB_INDEX = join(ROOT, 'apps/web/dist/index.html');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'tmp/web-e2e');

export function ensureBuilt(force) {
  if (!force && existsSync(API_ENTRY) && existsSync(WEB_INDEX)) return;
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new Error('build failed');
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Starts dist/api/main.js and waits for /readyz; `env` adds settings (e.g. TRUSTED_DOCUMENTS). */
export async function startApi(env = {}) {
  // A caller that must know the address beforehand (e.g. for PUBLIC_URL) passes PORT.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'chatter-web-e2e-'));
  let out = '';
  const child = spawn(process.execPath, [API_ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (out += d.toString()));
  child.stderr.on('data', (d) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`API exited with ${child.exitCode} during start:\n${out}`);
    try {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{__typename}' }),
      });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API did not answer within 60 s:\n${out}`);
    }
    await sleep(150);
  }
  return {
    url,
    output: () => out,
    /** The newest login code the log sender printed for this phone after `since` chars of log. */
    async loginCode(phone, since = 0, timeoutMs = 10_000) {
      const pattern = new RegExp(`login code for \\${phone} in tenant \\w+: (\\d{6})`, 'g');
      const until = Date.now() + timeoutMs;
      for (;;) {
        const matches = [...out.slice(since).matchAll(pattern)];
        const last = matches[matches.length - 1];
        if (last?.[1]) return last[1];
        if (Date.now() > until) throw new Error(`no login code for ${phone} in the API log`);
        await sleep(50);
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls until fn() returns a truthy value (or stops throwing); fails with the last reason. */
export async function eventually(
  fn,
  { timeout = 10_000, interval = 100, message = 'condition not met' } = {},
) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = new Error(message);
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`${message}: ${last?.message ?? last}`);
    await sleep(interval);
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`assertion failed: ${message}\n  expected ${e}\n  actual   ${a}`);
}

/** Runs named steps in order; a failed step is reported, later steps still run. */
export async function runSteps(steps, { onFailure } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of steps) {
    const started = Date.now();
    try {
      await fn();
      passed++;
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(
        `  ✗ ${name}\n    ${String(e?.stack ?? e)
          .split('\n')
          .slice(0, 6)
          .join('\n    ')}`,
      );
      await onFailure?.(name).catch(() => undefined);
    }
  }
  return { passed, failed };
}

/** GraphQL over HTTP against `api` (a bearer token and extra headers optional); throws on errors. */
export function graphqlOf(api) {
  return async (query, variables, token, headers = {}) => {
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
}

/**
 * Signs in on the app's sign-in screen, already open in `page`: the phone number, the code from
 * the API's log, and for a new account the display name `name`; resolves once the chat list
 * shows.
 */
export async function signInOnPage(page, api, phone, name) {
  await page.getByLabel('Phone number').fill(phone);
  const since = api.output().length;
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Login code').fill(await api.loginCode(phone, since));
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (name !== undefined) {
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Create account' }).click();
  }
  await page.getByRole('heading', { name: 'Chats' }).waitFor();
}

/**
 * Signs a new person up through the sign-in page, in a browser context of their own (pushed to
 * `contexts` for closing), then signs them in once more over HTTP for a token of their own.
 * `beforeOpen(page)` runs (and is awaited) before the first navigation: listeners, init scripts.
 * `colorScheme` (default light) and `permissions` (e.g. microphone, camera) set up the context.
 * Returns { page, token, id }.
 */
export async function signUpInBrowser(
  {
    browser,
    api,
    contexts,
    pageErrors,
    viewport,
    beforeOpen,
    colorScheme = 'light',
    permissions = [],
    timeout = 15_000,
  },
  phone,
  name,
) {
  const gql = graphqlOf(api);
  const context = await browser.newContext({ viewport, colorScheme, permissions });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (e) => pageErrors.push(`${e.message}`));
  await beforeOpen?.(page);
  await page.goto(`${api.url}/`);
  await signInOnPage(page, api, phone, name);
  const since2 = api.output().length;
  await gql('mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', { p: phone });
  const code = await api.loginCode(phone, since2);
  const auth = await gql(
    'mutation($p:String!,$c:String!){ verifyLoginCode(phone:$p, code:$c){ accessToken user { id } } }',
    { p: phone, c: code },
  );
  return { page, token: auth.verifyLoginCode.accessToken, id: auth.verifyLoginCode.user.id };
}
