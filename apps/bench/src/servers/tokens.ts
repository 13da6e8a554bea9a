import { SignJWT } from 'jose';

/**
 * App-issued tokens, as a tenant's backend would sign them. One secret serves as
 * Chatter's DEFAULT_TENANT_SECRET and as the baselines' BENCH_JWT_SECRET, so a
 * user index maps to one token for every target.
 */
export class TokenFactory {
  private readonly key: Uint8Array;
  private readonly cache = new Map<number, string>();

  constructor(readonly secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  static userSub(i: number): string {
    return `bench-u${i}`;
  }

  async token(i: number): Promise<string> {
    let t = this.cache.get(i);
    if (!t) {
      const now = Math.floor(Date.now() / 1000);
      t = await new SignJWT({ name: `Bench user ${i}` })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('app:default')
        .setSubject(TokenFactory.userSub(i))
        .setIssuedAt(now)
        .setExpirationTime(now + 6 * 3600)
        .sign(this.key);
      this.cache.set(i, t);
    }
    return t;
  }

  async tokens(indexes: Iterable<number>): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const i of indexes) out.set(i, await this.token(i));
    return out;
  }
}
