import { jwtVerify } from 'jose';

/**
 * Baselines authenticate like a typical app: an HS256 JWT from the app's backend,
 * verified once per connection (and per HTTP request). The secret comes from env.
 */
export function createVerifier(secret = process.env.BENCH_JWT_SECRET ?? '') {
  if (secret.length < 32) throw new Error('BENCH_JWT_SECRET must be set (32+ chars)');
  const key = new TextEncoder().encode(secret);
  return async (token: string | undefined | null): Promise<{ userId: string; name: string }> => {
    if (!token) throw new Error('missing token');
    const raw = token.startsWith('Bearer ') ? token.slice(7) : token;
    const { payload } = await jwtVerify(raw, key, { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string') throw new Error('token without sub');
    return {
      userId: payload.sub,
      name: typeof payload['name'] === 'string' ? payload['name'] : payload.sub,
    };
  };
}
