// Session tokens: the access token lives only in memory, the refresh token in localStorage
// (so a reload keeps the session). Refreshes are single-flight, and across tabs they run
// under a Web Lock and re-read the stored token, so two tabs never present the same refresh
// token twice (a reused refresh token revokes the whole session).
import { print } from 'graphql';
import { RefreshSessionDocument, LogoutDocument, type MeFieldsFragment } from '@chatter/client';

export const REFRESH_KEY = 'chatter.refreshToken';
export const USER_KEY = 'chatter.userId';

/** How long before expiry a token counts as stale: refresh early rather than fail a request. */
const EARLY_MS = 60_000;

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: MeFieldsFragment;
}

export type SessionState = 'signed-in' | 'signed-out';

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Refresh failed because the session is gone (not because the network is). */
export class SessionEndedError extends Error {}

export class Session {
  private access: { token: string; expiresAt: number } | null = null;
  private inflight: Promise<string> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<() => void>();

  constructor(
    private readonly endpoint: string,
    private readonly storage: Storage,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly now: () => number = Date.now,
  ) {}

  get state(): SessionState {
    return this.storage.getItem(REFRESH_KEY) ? 'signed-in' : 'signed-out';
  }

  get userId(): string | null {
    return this.storage.getItem(USER_KEY);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores a fresh sign-in or refresh answer and schedules the next silent refresh. */
  accept(result: AuthResult): void {
    const wasSignedIn = this.state === 'signed-in';
    this.storage.setItem(REFRESH_KEY, result.refreshToken);
    this.storage.setItem(USER_KEY, result.user.id);
    this.access = { token: result.accessToken, expiresAt: Date.parse(result.expiresAt) };
    this.schedule();
    if (!wasSignedIn) this.emit();
  }

  /** A valid access token, refreshing first when it is missing or about to expire. */
  async getAccessToken(): Promise<string | null> {
    if (this.state === 'signed-out') return null;
    if (this.access && this.access.expiresAt - this.now() > EARLY_MS / 2) return this.access.token;
    return this.refresh();
  }

  /** The server rejected this token (UNAUTHENTICATED, socket closed 4403): never reuse it. */
  invalidate(token?: string | null): void {
    if (!token || this.access?.token === token) this.access = null;
  }

  get currentAccessToken(): string | null {
    return this.access?.token ?? null;
  }

  refresh(): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.withLock(() => this.doRefresh()).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /** Forgets the session locally; tells the server when it can. */
  async signOut(): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_KEY);
    const token = this.access?.token;
    this.clear();
    if (refreshToken) {
      try {
        await this.post(LogoutDocument, { refreshToken }, token);
      } catch {
        // Signing out locally is what matters; the server session expires on its own.
      }
    }
  }

  clear(): void {
    const wasSignedIn = this.state === 'signed-in';
    this.access = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.storage.removeItem(REFRESH_KEY);
    this.storage.removeItem(USER_KEY);
    if (wasSignedIn) this.emit();
  }

  /** Another tab changed the stored session: if it signed out, this tab follows. */
  storageChanged(): void {
    if (this.state !== 'signed-out' || !this.access) return;
    this.access = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.emit();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
  }

  private async doRefresh(): Promise<string> {
    const refreshToken = this.storage.getItem(REFRESH_KEY);
    if (!refreshToken) throw new SessionEndedError('Signed out');
    // Another tab may have refreshed while we waited for the lock: its token is in memory
    // there, not here, so rotate once more with the stored (newest) refresh token.
    const res = await this.post(RefreshSessionDocument, { refreshToken });
    const code = res.errors?.[0]?.extensions?.code;
    if (res.data?.refreshSession) {
      this.accept(res.data.refreshSession);
      return res.data.refreshSession.accessToken;
    }
    if (
      code === 'UNAUTHENTICATED' ||
      code === 'FORBIDDEN' ||
      code === 'NOT_FOUND' ||
      code === 'BAD_USER_INPUT'
    ) {
      // Only end the session if no other tab rotated the token meanwhile.
      if (this.storage.getItem(REFRESH_KEY) === refreshToken) this.clear();
      throw new SessionEndedError(res.errors?.[0]?.message ?? 'Session ended');
    }
    throw new Error(res.errors?.[0]?.message ?? 'Could not refresh the session');
  }

  private async post<T, V>(
    doc: import('@graphql-typed-document-node/core').TypedDocumentNode<T, V>,
    variables: V,
    token?: string,
  ): Promise<GraphQLResponse<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const response = await this.fetchImpl(this.endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: print(doc), variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.access) return;
    const delay = Math.max(5_000, this.access.expiresAt - this.now() - EARLY_MS);
    this.timer = setTimeout(() => {
      this.refresh().catch(() => {
        // Offline: the next request refreshes on demand.
      });
    }, delay);
  }

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks?.request) return fn();
    return locks.request('chatter.refresh', fn) as Promise<T>;
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
