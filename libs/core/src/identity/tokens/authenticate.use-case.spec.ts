import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain-error';
import { Authenticate } from './authenticate.use-case';
import type { TokenService } from './token.service';
import type { SessionRepository } from '../session.repository';
import type { TenantRepository } from '../../tenancy/tenant.repository';
import type { UserRepository } from '../user.repository';
import type { Clock } from '../../shared/clock';
import type { AccountStanding } from '../../moderation/account-standing';
import type { BotRepository } from '../../integrations/bots/bot.repository';

function setup() {
  let nowMs = Date.UTC(2026, 0, 1);
  const calls = { verify: 0, session: 0 };
  const revoked = new Set<string>();
  const tokens = {
    issuerOf: () => 'chatter',
    verifyAccess: async (token: string, now: Date) => {
      calls.verify++;
      const [sid, expS] = token.split('.');
      const expiresAt = new Date(Number(expS) * 1000);
      if (expiresAt <= now) throw new DomainError('TOKEN_EXPIRED', 'token expired');
      return { tenantId: 't1', userId: 'u1', sessionId: sid!, expiresAt };
    },
  } as unknown as TokenService;
  const sessions = {
    findSession: async (id: string) => {
      calls.session++;
      return { id, revokedAt: revoked.has(id) ? new Date(nowMs) : null };
    },
  } as unknown as SessionRepository;
  const clock = { now: () => new Date(nowMs) } as unknown as Clock;
  const auth = new Authenticate(
    tokens,
    sessions,
    {} as TenantRepository,
    {} as UserRepository,
    clock,
    { assertActive: async () => undefined } as unknown as AccountStanding,
    {} as BotRepository,
  );
  return {
    auth,
    calls,
    revoked,
    advance: (ms: number) => (nowMs += ms),
    nowS: () => Math.floor(nowMs / 1000),
  };
}

describe('Authenticate verified-token cache', () => {
  it('checks a token once for a burst of requests, then again after the cache delay', async () => {
    const { auth, calls, advance, nowS } = setup();
    const bearer = `Bearer s1.${nowS() + 600}`;
    const first = await auth.execute(bearer);
    await auth.execute(bearer);
    await auth.execute(bearer);
    expect(calls.verify).toBe(1);
    expect((await auth.execute(bearer)).sessionId).toBe(first.sessionId);
    advance(2_001);
    await auth.execute(bearer);
    expect(calls.verify).toBe(2);
  });

  it('never serves a token past its expiry', async () => {
    const { auth, advance, nowS } = setup();
    const bearer = `Bearer s1.${nowS() + 1}`;
    await auth.execute(bearer);
    advance(1_000);
    await expect(auth.execute(bearer)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('drops the cached answers of a session this instance saw revoked', async () => {
    const { auth, revoked, nowS } = setup();
    const bearer = `Bearer s1.${nowS() + 600}`;
    await auth.execute(bearer);
    revoked.add('s1');
    auth.forgetSession('s1');
    await expect(auth.execute(bearer)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('does not cache failures', async () => {
    const { auth, calls } = setup();
    await expect(auth.execute('Bearer x.1')).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    await expect(auth.execute('Bearer x.1')).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(calls.verify).toBe(2);
  });

  it('hands each caller its own actor object', async () => {
    const { auth, nowS } = setup();
    const bearer = `Bearer s1.${nowS() + 600}`;
    const a = await auth.execute(bearer);
    (a as { userId: string }).userId = 'changed';
    expect((await auth.execute(bearer)).userId).toBe('u1');
  });
});

describe('Authenticate cache pruning', () => {
  it('forgets expired answers as new tokens arrive, instead of holding them until the cap', async () => {
    const { auth, advance, nowS } = setup();
    for (let i = 0; i < 999; i++) await auth.execute(`Bearer old${i}.${nowS() + 600}`);
    advance(2_500);
    await auth.execute(`Bearer fresh.${nowS() + 600}`);
    const size = (auth as unknown as { verified: Map<string, unknown> }).verified.size;
    expect(size).toBe(1);
  });
});

describe('Authenticate app tokens', () => {
  function appSetup() {
    let nowMs = Date.UTC(2026, 0, 1);
    let secret = 's1';
    const reads = { tenant: 0, user: 0 };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = (sub: string, key = secret) =>
      `${b64({ alg: 'HS256' })}.${b64({ iss: 'app:acme', sub, exp: Math.floor(nowMs / 1000) + 600 })}.${key}`;
    const tokens = {
      issuerOf: () => 'app:acme',
      verifyAppToken: async (t: string, tenantId: string, key: string) => {
        const [, body, sig] = t.split('.');
        if (sig !== key) throw new DomainError('UNAUTHENTICATED', 'invalid token');
        const { sub } = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { sub: string };
        return { tenantId, externalId: sub, name: null };
      },
    } as unknown as TokenService;
    const tenants = {
      findById: async (id: string) => (reads.tenant++, { id, signingSecret: secret }),
    } as unknown as TenantRepository;
    const users = {
      findByExternalId: async (_t: string, externalId: string) => (
        reads.user++,
        { id: `user-${externalId}` }
      ),
    } as unknown as UserRepository;
    const auth = new Authenticate(
      tokens,
      {} as SessionRepository,
      tenants,
      users,
      { now: () => new Date(nowMs) } as unknown as Clock,
      { assertActive: async () => undefined } as unknown as AccountStanding,
      {} as BotRepository,
    );
    return {
      auth,
      reads,
      token,
      rotate: (next: string) => (secret = next),
      advance: (ms: number) => (nowMs += ms),
    };
  }

  it('reads the tenant once for many users reconnecting at once, and each user once', async () => {
    const { auth, reads, token, advance } = appSetup();
    for (let i = 0; i < 5; i++)
      expect((await auth.execute(`Bearer ${token(`e${i}`)}`)).userId).toBe(`user-e${i}`);
    expect(reads).toEqual({ tenant: 1, user: 5 });
    advance(1); // another token of a known user
    expect((await auth.execute(`Bearer ${token('e0')}`)).userId).toBe('user-e0');
    expect(reads).toEqual({ tenant: 1, user: 5 });
    advance(3_000);
    await auth.execute(`Bearer ${token('e9')}`);
    expect(reads.tenant).toBe(2);
  });

  it('accepts a token signed with a secret rotated elsewhere at once, and refuses the old one', async () => {
    const { auth, reads, token, rotate } = appSetup();
    await auth.execute(`Bearer ${token('a')}`);
    const old = token('b');
    rotate('s2');
    expect((await auth.execute(`Bearer ${token('c')}`)).userId).toBe('user-c');
    expect(reads.tenant).toBe(2);
    await expect(auth.execute(`Bearer ${old}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('forgets the tenant and its users when told', async () => {
    const { auth, reads, token, rotate } = appSetup();
    const before = token('a');
    await auth.execute(`Bearer ${before}`);
    rotate('s2');
    auth.forgetTenant('acme');
    await expect(auth.execute(`Bearer ${before}`)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await auth.execute(`Bearer ${token('a')}`);
    expect(reads).toEqual({ tenant: 2, user: 2 });
  });
});
