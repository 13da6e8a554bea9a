// What the standalone measurement scripts beside run.mjs share: flags, free ports, app tokens.
import { createServer } from 'node:net';
import { SignJWT } from 'jose';

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
