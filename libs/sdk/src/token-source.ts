import { RefreshSessionDocument } from '@chatter/client';
import type { GraphqlHttp } from './graphql-http';

/** A session from `verifyLoginCode`/`refreshSession`: the SDK refreshes it itself. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * How the client authenticates: a fixed token, a function that returns a current token (called
 * again with `{ expired: true }` after the server refused the last one: e.g. an app backend that
 * issues tokens), or a session the SDK refreshes with `refreshSession` and hands back through
 * `onSession` so the application can store it.
 */
export type TokenOption =
  | string
  | ((context: { expired: boolean }) => string | Promise<string>)
  | { session: SessionTokens; onSession?: (session: SessionTokens) => void | Promise<void> };

/** Seconds before a JWT's `exp` at which a new token is fetched. */
const EXPIRY_MARGIN_S = 30;

/** The `exp` claim of a JWT in seconds, or undefined (not a JWT, or no claim). */
export function tokenExpiry(token: string): number | undefined {
  const exp = claims(token)?.exp;
  return typeof exp === 'number' ? exp : undefined;
}

function claims(token: string): { exp?: unknown; iat?: unknown } | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json: unknown = JSON.parse(decodeBase64Url(part));
    return json && typeof json === 'object'
      ? (json as { exp?: unknown; iat?: unknown })
      : undefined;
  } catch {
    return undefined;
  }
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export class TokenSource {
  private current: string | undefined;
  private pending: Promise<string> | undefined;
  private session: SessionTokens | undefined;
  private http: GraphqlHttp | undefined;

  constructor(
    private readonly option: TokenOption,
    private readonly now: () => number = Date.now,
  ) {
    if (typeof option === 'string') this.current = option;
    else if (typeof option === 'object') {
      this.session = { ...option.session };
      this.current = option.session.accessToken;
    }
  }

  /** The transport `refreshSession` goes through (set by the client that owns both). */
  attach(http: GraphqlHttp): void {
    this.http = http;
  }

  /** A token to use now; fetches a new one when none is held or the held one is about to expire. */
  async get(): Promise<string> {
    const token = this.current;
    if (token !== undefined && !this.expiresSoon(token)) return token;
    return this.renew(token !== undefined);
  }

  /** The server refused `token`: the next get() renews unless a newer token is already held. */
  invalidate(token: string | undefined): void {
    if (token !== undefined && this.current === token && typeof this.option !== 'string')
      this.current = undefined;
  }

  private expiresSoon(token: string): boolean {
    if (typeof this.option === 'string') return false;
    const c = claims(token);
    if (typeof c?.exp !== 'number') return false;
    // A quarter of a short lifetime at most, so a 60 s token is not renewed on every use.
    const lifetime = typeof c.iat === 'number' ? c.exp - c.iat : Infinity;
    const margin = Math.min(EXPIRY_MARGIN_S, lifetime / 4);
    return c.exp - margin <= this.now() / 1000;
  }

  private renew(expired: boolean): Promise<string> {
    this.pending ??= this.fetchToken(expired).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(expired: boolean): Promise<string> {
    const option = this.option;
    if (typeof option === 'string') return option;
    if (typeof option === 'function') {
      this.current = await option({ expired: expired || this.current === undefined });
      return this.current;
    }
    if (!this.http || !this.session)
      throw new Error('TokenSource: no transport for refreshSession');
    const data = await this.http.request(
      RefreshSessionDocument,
      { refreshToken: this.session.refreshToken },
      { anonymous: true },
    );
    this.session = {
      accessToken: data.refreshSession.accessToken,
      refreshToken: data.refreshSession.refreshToken,
    };
    this.current = this.session.accessToken;
    await option.onSession?.({ ...this.session });
    return this.current;
  }
}
