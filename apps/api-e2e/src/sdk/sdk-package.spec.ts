// The published form of @chatter/sdk: `npm pack` of its build holds the code, the .d.ts and the
// README; a TypeScript consumer type-checks against the packed package; and the Node bot of
// examples/ runs on the packed package against a real API and answers in a conversation.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, ok, signUp, sleep, startApi } from '../support';

const ROOT = resolve(__dirname, '../../../..');
let work: string;
let installed: string;
let api: ApiProcess | undefined;
let bot: ChildProcess | undefined;

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-sdk.mjs')], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  work = mkdtempSync(join(tmpdir(), 'sdk-pack-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: join(ROOT, 'dist/sdk'),
    encoding: 'utf8',
  }).trim();
  // Installed as npm would: the tarball's package/ folder under node_modules/@chatter/sdk.
  installed = join(work, 'node_modules/@chatter/sdk');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', [
    '-xzf',
    join(work, tarball.split('\n').pop()!),
    '-C',
    installed,
    '--strip-components=1',
  ]);
  // Its dependencies as npm would install them (taken from the workspace: no registry here).
  for (const dep of ['graphql', 'graphql-ws', '@graphql-typed-document-node/core', '@types/node']) {
    mkdirSync(dirname(join(work, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), join(work, 'node_modules', dep));
  }
}, 120_000);

afterAll(async () => {
  bot?.kill('SIGTERM');
  await api?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('@chatter/sdk package', () => {
  it('packs code, type declarations and the README, with exports for each entry', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@chatter/sdk');
    expect(pkg.exports['.'].types).toBe('./lib/index.d.ts');
    for (const file of [
      'README.md',
      'lib/index.js',
      'lib/index.d.ts',
      'lib/node.d.ts',
      'lib/schema/generated/graphql.d.ts',
      'browser/chatter-sdk.mjs',
    ])
      expect(existsSync(join(installed, file)), file).toBe(true);
    expect(readFileSync(join(installed, 'README.md'), 'utf8')).toContain('follow(');
    // No workspace path survives in the published code.
    expect(readFileSync(join(installed, 'lib/follower.js'), 'utf8')).not.toContain(
      '@chatter/client',
    );
  });

  it('type-checks a consumer against the packed declarations, and refuses a wrong one', () => {
    writeFileSync(
      join(work, 'good.ts'),
      `import { ChatterClient, MessagesDocument, type MessageAddedEvent } from '@chatter/sdk';
import { FileCursorStorage } from '@chatter/sdk/node';
const c = new ChatterClient({ url: 'http://x', token: async () => 't', storage: new FileCursorStorage('c.json') });
const seqOf = (e: MessageAddedEvent): number => e.message.seq;
void c.request(MessagesDocument, { conversationId: 'c', last: 5 }).then((d) => d.messages.edges.length);
void c.follow({ message: (e) => void seqOf(e), resync: (r) => void r.reason });
`,
    );
    writeFileSync(
      join(work, 'bad.ts'),
      `import { ChatterClient } from '@chatter/sdk';
void new ChatterClient({ url: 'x', token: 't' }).send({ conversationId: 1, body: 'x' });
`,
    );
    // One compiler run for both files (it is the slow part): errors only in bad.ts.
    let output = '';
    try {
      execFileSync(
        process.execPath,
        [
          join(ROOT, 'node_modules/typescript/bin/tsc'),
          ...['--noEmit', '--strict', '--types', 'node', '--module', 'node16'],
          ...['--target', 'es2022', '--lib', 'es2022,dom', 'good.ts', 'bad.ts'],
        ],
        { cwd: work, encoding: 'utf8' },
      );
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    const errors = output.split('\n').filter((line) => line.includes('error TS'));
    expect(errors.filter((line) => !line.startsWith('bad.ts'))).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.ts\(2,\d+\): error TS2322/);
  }, 60_000);

  it('runs the example Node bot on the packed SDK: it answers !ping in its conversation', async () => {
    api = await startApi();
    const [ada, botUser] = [await signUp(api, 'Ada'), await signUp(api, 'Botty')];
    const { createGroup } = await ok<{ createGroup: { id: string } }>(
      api,
      'mutation($u:[ID!]!){ createGroup(input:{title:"Bots", memberIds:$u}){ id } }',
      { u: [botUser.userId] },
      ada.accessToken,
    );
    let output = '';
    bot = spawn(process.execPath, [join(ROOT, 'examples/node-bot/bot.js')], {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '',
        // The packed SDK, and ws and the SDK's dependencies from the workspace.
        NODE_PATH: [join(work, 'node_modules'), join(ROOT, 'node_modules')].join(':'),
        CHATTER_URL: api.url,
        CHATTER_TOKEN: botUser.accessToken,
        CHATTER_REFRESH_TOKEN: botUser.refreshToken,
        CURSOR_FILE: join(work, 'bot-cursors.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    bot.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const end = Date.now() + 20_000;
    while (!output.includes('is following')) {
      if (Date.now() > end || bot.exitCode !== null)
        throw new Error(`bot did not start:\n${output}`);
      await sleep(50);
    }
    const send = (body: string, id: string) =>
      ok(
        api!,
        'mutation($i:SendMessageInput!){ sendMessage(input:$i){ id } }',
        {
          i: { conversationId: createGroup.id, body, clientMessageId: id },
        },
        ada.accessToken,
      );
    await send('hello there', 'm1');
    const ping = (await send('!ping', 'm2')) as { sendMessage: { id: string } };
    type Page = {
      messages: {
        edges: { node: { body: string; sender: { id: string }; replyTo: { id: string } | null } }[];
      };
    };
    let replies: Page['messages']['edges'] = [];
    while (replies.length === 0) {
      if (Date.now() > end) throw new Error(`no answer from the bot:\n${output}`);
      await sleep(100);
      const page = await ok<Page>(
        api,
        'query($c:ID!){ messages(conversationId:$c, last:20){ edges { node { body sender { id } replyTo { id } } } } }',
        { c: createGroup.id },
        ada.accessToken,
      );
      replies = page.messages.edges.filter((e) => e.node.sender.id === botUser.userId);
    }
    await sleep(500);
    const again = await ok<Page>(
      api,
      'query($c:ID!){ messages(conversationId:$c, last:20){ edges { node { body sender { id } replyTo { id } } } } }',
      { c: createGroup.id },
      ada.accessToken,
    );
    const fromBot = again.messages.edges.filter((e) => e.node.sender.id === botUser.userId);
    expect(fromBot.map((e) => e.node.body)).toEqual(['pong']);
    expect(fromBot[0]!.node.replyTo?.id).toBe(ping.sendMessage.id);
  });
});
