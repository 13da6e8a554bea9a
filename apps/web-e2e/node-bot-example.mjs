#!/usr/bin/env node
// The Node bot of examples/node-bot against the app as `npm start` runs it (dist/api/main.js,
// embedded mode, no settings but a free port and a data directory of its own): the bot signs in
// as a phone user, a person puts it in a group, and it answers `!ping` and `!echo` there; stopped
// and started again, it answers what was written while it was down, once.
// Usage: node scripts/build.mjs api && node apps/web-e2e/node-bot-example.mjs
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, assert, eventually, freePort, sleep } from './src/harness.mjs';

execFileSync(process.execPath, [join(ROOT, 'scripts/build-sdk.mjs')], {
  cwd: ROOT,
  stdio: 'inherit',
});

// ---------- the API as `npm start` starts it ----------
const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'chatter-node-bot-'));
const url = `http://127.0.0.1:${port}`;
let apiLog = '';
const api = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'dist/api/main.js')], {
  cwd: ROOT,
  env: {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    DATA_DIR: dataDir,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
api.stdout.on('data', (d) => (apiLog += d.toString()));
api.stderr.on('data', (d) => (apiLog += d.toString()));

// ---------- the example as its README installs it: @chatter/sdk from the built package ----------
const botDir = join(ROOT, 'tmp', `node-bot-example-${process.pid}`);
mkdirSync(join(botDir, 'node_modules', '@chatter'), { recursive: true });
copyFileSync(join(ROOT, 'examples/node-bot/bot.js'), join(botDir, 'bot.js'));
copyFileSync(join(ROOT, 'examples/node-bot/package.json'), join(botDir, 'package.json'));
symlinkSync(join(ROOT, 'dist/sdk'), join(botDir, 'node_modules', '@chatter', 'sdk'), 'dir');
// `ws` and the SDK's own dependencies resolve from the repository's node_modules.

let bot = null;
let botLog = '';
let failed = false;
try {
  await eventually(
    async () => {
      if (api.exitCode !== null) throw new Error(`the API exited:\n${apiLog}`);
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{__typename}' }),
      });
      return res.status === 200;
    },
    { timeout: 60_000, interval: 200, message: 'the API did not answer' },
  );

  const gql = async (query, variables = {}, token) => {
    const res = await fetch(`${url}/graphql`, {
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
  };
  const signIn = async (phone, name) => {
    const since = apiLog.length;
    await gql('mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', { p: phone });
    const pattern = new RegExp(`login code for \\${phone} in tenant \\w+: (\\d{6})`);
    const code = await eventually(() => pattern.exec(apiLog.slice(since))?.[1], {
      message: `no login code for ${phone} in the API log`,
    });
    return (
      await gql(
        'mutation($p:String!,$c:String!,$n:String){ verifyLoginCode(phone:$p, code:$c, name:$n){ accessToken refreshToken user { id } } }',
        { p: phone, c: code, n: name },
      )
    ).verifyLoginCode;
  };

  const botSession = await signIn('+14155550191', 'Helper Bot');
  const person = await signIn('+14155550192', 'Pia');
  const startBot = async () => {
    const child = spawn(process.execPath, ['bot.js'], {
      cwd: botDir,
      env: {
        PATH: process.env.PATH ?? '',
        CHATTER_URL: url,
        CHATTER_TOKEN: botSession.accessToken,
        CHATTER_REFRESH_TOKEN: botSession.refreshToken,
        CURSOR_FILE: join(botDir, 'cursors.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (botLog += d.toString()));
    child.stderr.on('data', (d) => (botLog += d.toString()));
    const mark = botLog.length;
    await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`the bot exited:\n${botLog}`);
        return botLog.slice(mark).includes('is following its conversations');
      },
      { timeout: 20_000, message: 'the bot did not start following' },
    );
    return child;
  };
  const stopBot = async (child) => {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  };

  bot = await startBot();
  const group = (
    await gql(
      'mutation($m:[ID!]!){ createGroup(input:{ title:"Ops", memberIds:$m }){ id } }',
      { m: [botSession.user.id] },
      person.accessToken,
    )
  ).createGroup.id;
  let n = 0;
  const say = (body) =>
    gql(
      'mutation($c:ID!,$b:String!,$k:String!){ sendMessage(input:{ conversationId:$c, body:$b, clientMessageId:$k }){ id } }',
      { c: group, b: body, k: `pia-${++n}` },
      person.accessToken,
    );
  const botReplies = async () =>
    (
      await gql(
        'query($c:ID!){ messages(conversationId:$c, last:50){ edges { node { body sender { id } replyTo { body } } } } }',
        { c: group },
        person.accessToken,
      )
    ).messages.edges
      .map((e) => e.node)
      .filter((m) => m.sender.id === botSession.user.id)
      .map((m) => `${m.replyTo?.body} → ${m.body}`);

  await say('!ping');
  const echo = '!echo $& ‮مرحبا 👋';
  await say(echo);
  await say('just chatting');
  await eventually(async () => (await botReplies()).length >= 2, {
    timeout: 20_000,
    message: 'the bot did not answer',
  });
  await sleep(500);
  const replies = await botReplies();
  assert(
    JSON.stringify(replies) ===
      JSON.stringify(['!ping → pong', `${echo} → ${echo.slice('!echo '.length)}`]),
    `the bot answers each command once, in order: ${JSON.stringify(replies)}`,
  );

  // Down for a while: what is written meanwhile is answered after the restart, once.
  await stopBot(bot);
  bot = null;
  await say('!echo while you were away');
  bot = await startBot();
  await eventually(async () => (await botReplies()).length >= 3, {
    timeout: 20_000,
    message: 'the restarted bot did not answer what it missed',
  });
  await sleep(1_000);
  const after = await botReplies();
  assert(
    after.length === 3 && after[2] === '!echo while you were away → while you were away',
    `the restarted bot answers the missed command once: ${JSON.stringify(after)}`,
  );
  console.log('node-bot example: answered live and after a restart, each command once');
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : error);
  console.error(`--- bot log ---\n${botLog}`);
  if (process.env.DEBUG_API_LOG) console.error(`--- API log ---\n${apiLog.slice(-4000)}`);
} finally {
  bot?.kill('SIGTERM');
  api.kill('SIGTERM');
  await new Promise((r) => (api.exitCode !== null ? r() : api.once('exit', r)));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(botDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
