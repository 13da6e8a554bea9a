import { describe, expect, it, vi } from 'vitest';
import { REFRESH_KEY, Session, SessionEndedError, type AuthResult } from './session';
import { MemoryStorage, user } from '../test/fixtures';

const me = { ...user('u1', 'Ada'), presencePrivacy: 'EVERYONE' as const };

function auth(n: number, expiresInMs = 15 * 60_000, now = Date.now()): AuthResult {
  return {
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    expiresAt: new Date(now + expiresInMs).toISOString(),
    user: me,
  };
}

function jsonResponse(body: unknown) {
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
}

describe('Session', () => {
  it('keeps the refresh token in storage and the access token only in memory', async () => {
    const storage = new MemoryStorage();
    const s = new Session('/graphql', storage, vi.fn());
    s.accept(auth(1));
    expect(storage.getItem(REFRESH_KEY)).toBe('refresh-1');
    expect(
      JSON.stringify([...Array(storage.length)].map((_, i) => storage.getItem(storage.key(i)!))),
    ).not.toContain('access-1');
    expect(await s.getAccessToken()).toBe('access-1');
    s.dispose();
  });

  it('refreshes once for concurrent callers when the token is about to expire, and rotates', async () => {
    const storage = new MemoryStorage();
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body));
      expect(body.variables).toEqual({ refreshToken: 'refresh-1' });
      return jsonResponse({ data: { refreshSession: auth(2) } });
    });
    const s = new Session('/graphql', storage, fetchImpl as typeof fetch);
    s.accept(auth(1, 10_000)); // expires in 10 s: too close, refresh first
    const [a, b] = await Promise.all([s.getAccessToken(), s.getAccessToken()]);
    expect(a).toBe('access-2');
    expect(b).toBe('access-2');
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(storage.getItem(REFRESH_KEY)).toBe('refresh-2');
    s.dispose();
  });

  it('after a page reload (no access token), gets one from the stored refresh token', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'refresh-7');
    const fetchImpl = vi.fn(async () => jsonResponse({ data: { refreshSession: auth(8) } }));
    const s = new Session('/graphql', storage, fetchImpl as typeof fetch);
    expect(s.state).toBe('signed-in');
    expect(await s.getAccessToken()).toBe('access-8');
    s.dispose();
  });

  it('an invalidated token (UNAUTHENTICATED, socket 4403) is refreshed before reuse', async () => {
    const storage = new MemoryStorage();
    const fetchImpl = vi.fn(async () => jsonResponse({ data: { refreshSession: auth(3) } }));
    const s = new Session('/graphql', storage, fetchImpl as typeof fetch);
    s.accept(auth(1));
    s.invalidate('some-older-token');
    expect(await s.getAccessToken()).toBe('access-1');
    s.invalidate('access-1');
    expect(await s.getAccessToken()).toBe('access-3');
    s.dispose();
  });

  it('signs out when the server rejects the refresh token', async () => {
    const storage = new MemoryStorage();
    const fetchImpl = vi.fn(async () =>
      jsonResponse({
        data: null,
        errors: [{ message: 'revoked', extensions: { code: 'UNAUTHENTICATED' } }],
      }),
    );
    const s = new Session('/graphql', storage, fetchImpl as typeof fetch);
    const listener = vi.fn();
    s.accept(auth(1, 1_000));
    s.subscribe(listener);
    await expect(s.getAccessToken()).rejects.toBeInstanceOf(SessionEndedError);
    expect(s.state).toBe('signed-out');
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
    expect(listener).toHaveBeenCalled();
  });

  it('stays signed in when the refresh only failed for lack of network', async () => {
    const storage = new MemoryStorage();
    const fetchImpl = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const s = new Session('/graphql', storage, fetchImpl as typeof fetch);
    s.accept(auth(1, 1_000));
    await expect(s.getAccessToken()).rejects.toThrow('Failed to fetch');
    expect(s.state).toBe('signed-in');
    s.dispose();
  });

  it('sign-out forgets the tokens and tells the server', async () => {
    const storage = new MemoryStorage();
    const fetchImpl = vi.fn(async () => jsonResponse({ data: { logout: true } }));
    const s = new Session('/graphql', storage, fetchImpl as typeof fetch);
    s.accept(auth(1));
    await s.signOut();
    expect(s.state).toBe('signed-out');
    expect(await s.getAccessToken()).toBeNull();
    const body = JSON.parse(
      String(
        (fetchImpl.mock.calls[0] as unknown[])[1] &&
          (fetchImpl.mock.calls[0] as unknown as [string, RequestInit])[1].body,
      ),
    );
    expect(body.variables).toEqual({ refreshToken: 'refresh-1' });
  });
});

describe('Session across tabs', () => {
  it('follows a sign-out made in another tab', () => {
    const storage = new MemoryStorage();
    const s = new Session('/graphql', storage, vi.fn());
    s.accept(auth(1));
    const listener = vi.fn();
    s.subscribe(listener);
    storage.removeItem(REFRESH_KEY); // the other tab signed out
    s.storageChanged();
    expect(s.state).toBe('signed-out');
    expect(s.currentAccessToken).toBeNull();
    expect(listener).toHaveBeenCalledTimes(1);
    s.dispose();
  });
});
