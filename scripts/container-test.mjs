#!/usr/bin/env node
// Builds the real Dockerfile with podman and runs the image the way the manifests do (read-only
// root filesystem, non-root, only DATA_DIR and /tmp writable), in embedded mode, then checks it
// as a user would: /healthz, the web app, a sign-in, and a message sent over GraphQL arriving on
// a graphql-ws subscription.
//
//   node scripts/container-test.mjs            # part of `npm test` (step "container")
//
// No image is pulled: the base image comes from scripts/container-base.mjs (debootstrap of Debian
// bookworm plus Node.js 24 from the npm registry, cached under CHATTER_CONTAINER_CACHE) and is
// passed to the Dockerfile as NODE_IMAGE. Needs root with podman, runc and debootstrap (`npm test`
// installs them on Debian). Prints one closing line: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
  PODMAN_CONTAINER_FLAGS,
  PODMAN_RUN_FLAGS,
  ensureBaseImage,
  repoRoot,
} from './container-base.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const { createClient } = require('graphql-ws');

const IMAGE = 'localhost/chatter:container-test';
const podman = (args, options = {}) =>
  spawnSync('podman', [...PODMAN_RUN_FLAGS, ...args], { encoding: 'utf8', ...options });

const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `: ${detail}` : ''}`);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seconds = (since) => Math.round((Date.now() - since) / 1000);

async function gql(url, query, variables, token) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.json();
  if (body.errors?.length)
    throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function signIn(url, container, phone, name) {
  await gql(url, 'mutation($p:String!){ requestLoginCode(phone:$p){ sent } }', { p: phone });
  const pattern = new RegExp(`login code for \\${phone} in tenant default: (\\d{6})`);
  const until = Date.now() + 15_000;
  let code;
  while (!code && Date.now() < until) {
    const logs = podman(['logs', container]);
    code = pattern.exec(`${logs.stdout}${logs.stderr}`)?.[1];
    if (!code) await sleep(250);
  }
  if (!code) throw new Error(`no login code for ${phone} in the container log`);
  const data = await gql(
    url,
    'mutation($p:String!,$c:String!,$n:String){ verifyLoginCode(phone:$p, code:$c, name:$n){ accessToken user { id } } }',
    { p: phone, c: code, n: name },
  );
  return { token: data.verifyLoginCode.accessToken, userId: data.verifyLoginCode.user.id };
}

/**
 * `podman build` of the Dockerfile. On some machines podman lingers after "Successfully tagged"
 * without exiting; once the image id is written the build is complete, so a build that then does
 * not exit within 30 s is asked to (SIGTERM, which podman handles cleanly).
 */
function buildImage(base, iidFile) {
  return new Promise((resolve) => {
    const child = spawn(
      'podman',
      [
        ...PODMAN_RUN_FLAGS,
        'build',
        ...PODMAN_CONTAINER_FLAGS,
        '--build-arg',
        `NODE_IMAGE=${base}`,
        '--layers',
        // Docker's image format keeps the Dockerfile's HEALTHCHECK (OCI has none).
        '--format',
        'docker',
        '--iidfile',
        iidFile,
        '-t',
        IMAGE,
        '-f',
        'Dockerfile',
        '.',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    let builtAt = 0;
    const watch = setInterval(() => {
      if (!builtAt && existsSync(iidFile)) builtAt = Date.now();
      if (builtAt && Date.now() - builtAt > 30_000) child.kill('SIGTERM');
    }, 1000);
    child.on('exit', (code) => {
      clearInterval(watch);
      resolve({ status: existsSync(iidFile) ? 0 : (code ?? 1) });
    });
  });
}

async function main() {
  const started = Date.now();
  const base = ensureBaseImage();
  console.log(`base image ${base} (${seconds(started)} s)`);

  const buildStarted = Date.now();
  const iidFile = join(mkdtempSync(join(tmpdir(), 'chatter-iid-')), 'image-id');
  const build = await buildImage(base, iidFile);
  check('the Dockerfile builds', build.status === 0, `${seconds(buildStarted)} s`);
  if (build.status !== 0) return;

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'chatter-container-data-'));
  // The image's user (1000) owns DATA_DIR, as a Kubernetes fsGroup or a named volume would.
  chownSync(dataDir, 1000, 1000);
  const name = `chatter-container-test-${process.pid}`;
  const run = podman([
    'run',
    '-d',
    '--name',
    name,
    ...PODMAN_CONTAINER_FLAGS,
    '--read-only',
    '--tmpfs',
    '/tmp:rw,size=64m',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '-v',
    `${dataDir}:/app/data`,
    '-e',
    `PORT=${port}`,
    '-e',
    'HOST=127.0.0.1',
    '-e',
    'SMS_SENDER=log',
    '-e',
    'ALLOW_LOG_SMS_IN_PRODUCTION=true',
    '-e',
    'SHUTDOWN_GRACE_MS=2000',
    IMAGE,
  ]);
  check('the image starts', run.status === 0, run.stderr.trim());
  if (run.status !== 0) return;
  const url = `http://127.0.0.1:${port}`;
  try {
    const until = Date.now() + 90_000;
    let healthy = false;
    while (!healthy && Date.now() < until) {
      healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) {
        const state = podman(['inspect', '-f', '{{.State.Running}}', name]).stdout.trim();
        if (state === 'false') break;
        await sleep(500);
      }
    }
    check('/healthz answers 200', healthy);
    if (!healthy) {
      console.log(podman(['logs', name]).stdout + podman(['logs', name]).stderr);
      return;
    }

    const page = await fetch(`${url}/`);
    const html = await page.text();
    check(
      'the web app is served',
      page.ok && /<div id="root">/.test(html) && /<script[^>]+type="module"/.test(html),
      `${page.status}, ${html.length} bytes`,
    );

    const uid = podman(['exec', name, 'id', '-u']).stdout.trim();
    check('runs as a non-root user', uid !== '' && uid !== '0', `uid ${uid}`);
    const write = podman(['exec', name, 'sh', '-c', 'touch /app/dist/x 2>&1; touch /x 2>&1']);
    const readOnly = podman([
      'inspect',
      '-f',
      '{{.HostConfig.ReadonlyRootfs}}',
      name,
    ]).stdout.trim();
    check(
      'the root filesystem is read-only',
      readOnly === 'true' && /Read-only file system/.test(write.stdout),
      write.stdout.trim().split('\n')[0],
    );

    const ada = await signIn(url, name, '+14155550101', 'Ada');
    const bob = await signIn(url, name, '+14155550102', 'Bob');
    check('signs in with a login code', Boolean(ada.token && bob.token));

    const dm = await gql(
      url,
      'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
      { u: bob.userId },
      ada.token,
    );
    const conversationId = dm.openDirectConversation.id;
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${bob.token}` },
      retryAttempts: 0,
    });
    const body = 'Hello from the container ✓ 👋';
    const received = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no MessageAdded within 15 s')), 15_000);
      client.subscribe(
        {
          query:
            'subscription { chatEvents { __typename ... on MessageAdded { message { body conversationId } } } }',
        },
        {
          next: (result) => {
            const message = result.data?.chatEvents?.message;
            if (result.data?.chatEvents?.__typename === 'MessageAdded' && message) {
              clearTimeout(timer);
              resolve(message);
            }
          },
          error: (error) =>
            reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
          complete: () => undefined,
        },
      );
    });
    // The subscription is live once the server acknowledged the socket; give it a moment to register.
    await new Promise((resolve) => client.on('connected', resolve));
    await sleep(500);
    await gql(
      url,
      'mutation($c:ID!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:"container-1", body:$b}){ seq } }',
      { c: conversationId, b: body },
      ada.token,
    );
    const message = await received.catch((error) => error);
    await client.dispose();
    check(
      'a message arrives over the WebSocket subscription',
      message?.body === body && message?.conversationId === conversationId,
      message instanceof Error ? message.message : '',
    );

    const stopStarted = Date.now();
    const stop = podman(['stop', '-t', '20', name]);
    const exit = podman(['inspect', '-f', '{{.State.ExitCode}}', name]).stdout.trim();
    check(
      'stops on SIGTERM with exit 0',
      stop.status === 0 && exit === '0',
      `exit ${exit} after ${seconds(stopStarted)} s`,
    );
  } finally {
    podman(['rm', '-f', name]);
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`container step: ${seconds(started)} s in all`);
  }
}

main()
  .catch((error) =>
    check('container test', false, error instanceof Error ? error.stack : String(error)),
  )
  .finally(() => {
    const failed = results.filter((r) => !r.ok).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    process.exitCode = failed > 0 || results.length === 0 ? 1 : 0;
  });
