import { createHmac } from 'node:crypto';

export interface IceServer {
  urls: string[];
  username: string | null;
  credential: string | null;
}

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest, coturn `use-auth-secret`): the username
 * is `<expiry unix seconds>:<userId>`, the password base64(HMAC-SHA1(secret, username)). The
 * TURN server recomputes the HMAC with the shared secret and refuses expired usernames.
 */
export function turnCredentials(
  secret: string,
  userId: string,
  now: Date,
  ttlSeconds: number,
): { username: string; credential: string; expiresAt: Date } {
  const expiry = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: new Date(expiry * 1000) };
}
