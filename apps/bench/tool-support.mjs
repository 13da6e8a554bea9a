// What the standalone measurement scripts beside run.mjs share: flags, free ports, app tokens.
import { createServer } from 'node:net';
import { SignJWT } from 'jose';

/** The bench's own chatEvents selection (apps/bench/src/load/clients/chatter-client.ts). */
export const CHAT_EVENTS = `subscription BenchChatEvents($since: [ConversationCursorInput!]) {
  chatEvents(since: $since) {
    __typename
    ... on MessageAdded { seq message { id conversationId seq body createdAt } }
    ... on ResyncRequired { conversationId reason }
  }
}`;

/** `--name value` from the command line, or `fallback`. */
export function option(name, fallback, argv = process.argv.slice(2)) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** An app-issued HS256 token for the default tenant (the user is created on first use). */
export function appToken(secret, subject, name, ttlSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('app:default')
    .setSubject(subject)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The environment of a Chatter server started by a script: embedded store in `dataDir`, app
 * tokens signed with `secret`, warnings only in the log, and (every client connecting from
 * 127.0.0.1) the per-address socket limits off, as in the bench.
 */
export function serverEnv({ port, dataDir, secret }) {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    ALLOW_LOG_SMS_IN_PRODUCTION: 'true',
    PLAYGROUND: 'false',
    LOG_LEVEL: 'warn',
    DEFAULT_TENANT_SECRET: secret,
    WS_MAX_SOCKETS_PER_IP: '0',
    WS_CONNECTS_PER_IP: '0',
  };
}
