import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '@chatter/testing';

/** Claims the test provider gives a subject (beside `sub`). */
export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/**
 * A real OpenID Provider (the `oidc-provider` package) on a free loopback port, with its
 * development login and consent pages: any login name is accepted as the subject, and the
 * claims come from `accounts`.
 */
export class TestOpenIdProvider {
  readonly accounts = new Map<string, TestAccount>();
  issuer = '';
  private server: Server | null = null;

  async start(clients: { clientId: string; clientSecret: string; redirectUri: string }[]) {
    const port = await freePort();
    this.issuer = `http://127.0.0.1:${port}`;
    const provider = new Provider(this.issuer, {
      clients: clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: [c.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      })),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({ sub, ...(this.accounts.get(sub) ?? {}) }),
      }),
      cookies: { keys: ['chatter-test-provider-cookie-key'] },
      features: { devInteractions: { enabled: true } },
    });
    // The provider's warnings (development interactions) are expected here.
    provider.on('server_error', (_ctx, error) => console.error('test OpenID provider', error));
    await new Promise<void>((resolve) => {
      this.server = provider.listen(port, '127.0.0.1', () => resolve());
    });
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

/** A browser's cookies, by name (the test provider's paths do not overlap in one flow). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
}

/**
 * Plays the browser at the provider: follows redirects from `authorizationUrl`, logs in as
 * `login` on the login page, consents, and stops at the first redirect that leaves the provider
 * (the callback URL with `code` and `state`), which it returns without following.
 */
export async function loginAtProvider(
  issuer: string,
  authorizationUrl: string,
  login: string,
): Promise<string> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  for (let hop = 0; hop < 20; hop++) {
    if (!url.startsWith(issuer)) return url;
    let res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
    if (res.status === 200) {
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      const body = new URLSearchParams(
        prompt === 'login' ? { prompt, login, password: 'any' } : { prompt: prompt ?? 'consent' },
      );
      res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      jar.take(res);
    }
    const location = res.headers.get('location');
    if (!location)
      throw new Error(`provider answered ${res.status} at ${url}: ${await res.text()}`);
    url = new URL(location, url).toString();
  }
  throw new Error('too many redirects at the provider');
}
