#!/usr/bin/env node
// The browser example of @chatter/sdk (examples/browser) in real Chromium against a real API:
// the page follows a conversation through the SDK's browser build and sends into it.
// Usage: node scripts/build.mjs api && node apps/web-e2e/sdk-example.mjs
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS,
  CHROMIUM,
  ROOT,
  assert,
  eventually,
  freePort,
  startApi,
} from './src/harness.mjs';

execFileSync(process.execPath, [join(ROOT, 'scripts/build-sdk.mjs')], {
  cwd: ROOT,
  stdio: 'inherit',
});
const api = await startApi();
const port = await freePort();
const server = spawn(process.execPath, [join(ROOT, 'examples/browser/serve.mjs')], {
  env: { ...process.env, PORT: String(port) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((r) => server.stdout.once('data', r));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
  ],
});

async function gql(query, variables, token) {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const json = await res.json();
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}
async function signUp(name, phone) {
  const since = api.output().length;
  await gql('mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', { p: phone });
  const code = await api.loginCode(phone, since);
  const data = await gql(
    'mutation($p:String!,$c:String!,$n:String){ verifyLoginCode(phone:$p, code:$c, name:$n){ accessToken user { id } } }',
    { p: phone, c: code, n: name },
  );
  return { token: data.verifyLoginCode.accessToken, id: data.verifyLoginCode.user.id };
}

let failed = false;
try {
  const ada = await signUp('Ada', '+14155550181');
  const bob = await signUp('Bob', '+14155550182');
  const { createGroup } = await gql(
    'mutation($u:[ID!]!){ createGroup(input:{title:"SDK page", memberIds:$u}){ id } }',
    { u: [bob.id] },
    ada.token,
  );
  const page = await browser.newPage({ viewport: { width: 800, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`http://localhost:${port}/`);
  await page.fill('#url', api.url);
  await page.fill('#token', bob.token);
  await page.click('#connect button');
  const shows = (selector, text) =>
    eventually(
      async () => {
        const shown = await page.textContent(selector);
        if (shown.includes(text)) return true;
        throw new Error(
          `${selector} shows "${shown}", not "${text}" (errors: ${errors.join('; ')})`,
        );
      },
      { timeout: 15_000 },
    );
  await shows('#status', 'online');
  await gql(
    'mutation($i:SendMessageInput!){ sendMessage(input:$i){ id } }',
    { i: { conversationId: createGroup.id, body: 'Hello from Ada', clientMessageId: 'page-1' } },
    ada.token,
  );
  await shows('#log', 'Ada: Hello from Ada');
  await page.fill('#body', 'Hi from the page');
  await page.click('#compose button');
  await shows('#log', 'Bob: Hi from the page');
  const stored = await gql(
    'query($c:ID!){ messages(conversationId:$c, last:5){ edges { node { body sender { name } } } } }',
    { c: createGroup.id },
    ada.token,
  );
  assert(
    stored.messages.edges.some(
      (e) => e.node.body === 'Hi from the page' && e.node.sender.name === 'Bob',
    ),
    'the page’s message is stored as Bob’s',
  );
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'sdk-example.png') });
  console.log('sdk example: 1 passed, 0 failed');
} catch (error) {
  failed = true;
  console.error(`sdk example: 0 passed, 1 failed\n${error instanceof Error ? error.stack : error}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await api.stop();
}
process.exit(failed ? 1 : 0);
