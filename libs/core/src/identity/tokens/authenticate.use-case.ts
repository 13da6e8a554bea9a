import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError } from '../../shared/domain-error';
import { newId } from '../../shared/ids';
import { checkText } from '../../shared/text';
import { UseCase } from '../../shared/use-case';
import { Tenant, TENANT_ID_PATTERN } from '../../tenancy/tenant';
import { TenantRepository } from '../../tenancy/tenant.repository';
import { SessionRepository } from '../session.repository';
import { UserRepository } from '../user.repository';
import { grantOf } from '../../integrations/bots/bot';
import { BotRepository } from '../../integrations/bots/bot.repository';
import { botSecretMatches, isBotToken, parseBotToken } from '../../integrations/bots/bot-token';
import { AppTokenClaims, TokenService } from './token.service';
import { AccountStanding } from '../../moderation/account-standing';

export interface Authenticated extends Actor {
  /** When the presented token stops being valid (sockets are closed then). */
  expiresAt: Date;
}

/** Session revocation is checked on each request; answers are cached this long per instance. */
const SESSION_CACHE_MS = 2_000;
/**
 * A verified token is remembered this long (never past its expiry), so a client's burst of
 * requests costs one signature check and one tenant and user lookup. Bounded by the same delay
 * as revocation: a rotated tenant secret or a revoked session stops working within it.
 */
const VERIFIED_CACHE_MS = 2_000;
const MAX_CACHED = 50_000;
const BOT_SOCKET_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Turns a bearer token into an actor: Chatter access tokens (session must be live) or tokens
 * a tenant's backend minted for its own user ids (user created on first use).
 */
@UseCase()
export class Authenticate {
  private readonly sessionCache = new Map<string, { revoked: boolean; until: number }>();
  /** Only tokens that verified are cached: a forged token always pays for its own check. */
  private readonly verified = new Map<string, { actor: Authenticated; until: number }>();
  private inserts = 0;
  /**
   * Tenants and app users (by external id) looked up for app tokens, for as long as a verified
   * token is remembered: a storm of reconnects with different tokens of one tenant reads the
   * tenant once, not once per socket. Dropped by `forgetTenant` and `forgetUser`.
   */
  private readonly tenantCache = new Map<string, { tenant: Tenant | null; until: number }>();
  private readonly appUsers = new Map<string, { userId: string; until: number }>();

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionRepository,
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly clock: Clock,
    private readonly standing: AccountStanding,
    private readonly bots: BotRepository,
  ) {}

  async execute(authorization: string | null | undefined): Promise<Authenticated> {
    const token = parseBearer(authorization);
    const now = this.clock.now();
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.until > now.getTime()) return { ...cached.actor };
      this.verified.delete(token);
    }
    const actor = await this.verify(token, now);
    // A suspended or banned user is refused on every request, whatever token they hold.
    await this.standing.assertActive(actor.tenantId, actor.userId);
    if (++this.inserts % 1_000 === 0) this.prune(now.getTime());
    if (this.verified.size >= MAX_CACHED) this.verified.clear();
    const until = Math.min(now.getTime() + VERIFIED_CACHE_MS, actor.expiresAt.getTime());
    this.verified.set(token, { actor: { ...actor }, until });
    return actor;
  }

  /** Drops expired answers, so the caches hold about two seconds of traffic, not 50,000 entries. */
  private prune(nowMs: number): void {
    for (const [token, entry] of this.verified)
      if (entry.until <= nowMs) this.verified.delete(token);
    for (const [id, entry] of this.sessionCache)
      if (entry.until <= nowMs) this.sessionCache.delete(id);
    for (const [id, entry] of this.tenantCache)
      if (entry.until <= nowMs) this.tenantCache.delete(id);
    for (const [key, entry] of this.appUsers) if (entry.until <= nowMs) this.appUsers.delete(key);
  }

  /** Forgets cached session state (after a revocation this instance learned about). */
  forgetSession(sessionId: string): void {
    this.sessionCache.delete(sessionId);
    for (const [token, entry] of this.verified)
      if (entry.actor.sessionId === sessionId) this.verified.delete(token);
  }

  /** Forgets cached tokens of a user who was just suspended or banned here. */
  forgetUser(tenantId: string, userId: string): void {
    for (const [token, entry] of this.verified)
      if (entry.actor.tenantId === tenantId && entry.actor.userId === userId)
        this.verified.delete(token);
    for (const [key, entry] of this.appUsers)
      if (entry.userId === userId && key.startsWith(`${tenantId} `)) this.appUsers.delete(key);
  }

  /** Forgets cached tokens of a tenant whose signing secret this instance just rotated. */
  forgetTenant(tenantId: string): void {
    for (const [token, entry] of this.verified)
      if (entry.actor.tenantId === tenantId) this.verified.delete(token);
    this.tenantCache.delete(tenantId);
    for (const key of this.appUsers.keys())
      if (key.startsWith(`${tenantId} `)) this.appUsers.delete(key);
  }

  private async verifyWithTenant(
    token: string,
    tenantId: string,
    now: Date,
  ): Promise<{ tenant: Tenant; claims: AppTokenClaims }> {
    const tenant = await this.tenantOf(tenantId, now);
    if (!tenant || !tenant.signingSecret) throw new DomainError('UNAUTHENTICATED', 'invalid token');
    return {
      tenant,
      claims: await this.tokens.verifyAppToken(token, tenant.id, tenant.signingSecret, now),
    };
  }

  private async tenantOf(tenantId: string, now: Date): Promise<Tenant | null> {
    const cached = this.tenantCache.get(tenantId);
    if (cached && cached.until > now.getTime()) return cached.tenant;
    const tenant = await this.tenants.findById(tenantId);
    if (this.tenantCache.size >= MAX_CACHED) this.tenantCache.clear();
    this.tenantCache.set(tenantId, { tenant, until: now.getTime() + VERIFIED_CACHE_MS });
    return tenant;
  }

  private async verify(token: string, now: Date): Promise<Authenticated> {
    if (isBotToken(token)) return this.fromBotToken(token, now);
    const issuer = this.tokens.issuerOf(token);
    if (issuer?.startsWith('app:')) return this.fromAppToken(token, issuer.slice(4), now);
    const claims = await this.tokens.verifyAccess(token, now);
    if (await this.isRevoked(claims.sessionId, now))
      throw new DomainError('TOKEN_REVOKED', 'session was revoked');
    return {
      tenantId: claims.tenantId,
      userId: claims.userId,
      sessionId: claims.sessionId,
      expiresAt: claims.expiresAt,
    };
  }

  private async isRevoked(sessionId: string, now: Date): Promise<boolean> {
    const cached = this.sessionCache.get(sessionId);
    if (cached && cached.until > now.getTime()) return cached.revoked;
    const session = await this.sessions.findSession(sessionId);
    const revoked = !session || session.revokedAt !== null;
    if (this.sessionCache.size > 50_000) this.sessionCache.clear();
    this.sessionCache.set(sessionId, { revoked, until: now.getTime() + SESSION_CACHE_MS });
    return revoked;
  }

  /** Bot tokens do not expire; a revoked one is refused (verifications are cached 2 s at most, and dropped on revocation). */
  private async fromBotToken(token: string, now: Date): Promise<Authenticated> {
    const parsed = parseBotToken(token);
    if (!parsed) throw new DomainError('UNAUTHENTICATED', 'invalid token');
    const bot = await this.bots.findById(parsed.tenantId, parsed.botId);
    if (!bot || !botSecretMatches(parsed.secret, bot.tokenHash))
      throw new DomainError('UNAUTHENTICATED', 'invalid token');
    if (bot.revokedAt) throw new DomainError('TOKEN_REVOKED', 'bot token was revoked');
    return {
      tenantId: bot.tenantId,
      userId: bot.id,
      sessionId: null,
      grant: grantOf(bot),
      // Sockets are closed at expiresAt; a bot reconnects with the same token once a day.
      expiresAt: new Date(now.getTime() + BOT_SOCKET_LIFETIME_MS),
    };
  }

  private async fromAppToken(token: string, tenantId: string, now: Date): Promise<Authenticated> {
    if (!TENANT_ID_PATTERN.test(tenantId))
      throw new DomainError('UNAUTHENTICATED', 'invalid token');
    const cached = this.tenantCache.get(tenantId);
    let claims: AppTokenClaims;
    let tenant: Tenant;
    try {
      ({ tenant, claims } = await this.verifyWithTenant(token, tenantId, now));
    } catch (error) {
      // The secret may have been rotated on another instance since it was cached: a token
      // refused with the cached tenant is checked again against a fresh read.
      const wasCached = cached !== undefined && cached.until > now.getTime();
      if (!wasCached || !(error instanceof DomainError) || error.code !== 'UNAUTHENTICATED')
        throw error;
      this.tenantCache.delete(tenantId);
      ({ tenant, claims } = await this.verifyWithTenant(token, tenantId, now));
    }
    const appUserKey = `${tenant.id} ${claims.externalId}`;
    const known = this.appUsers.get(appUserKey);
    const userId =
      known && known.until > now.getTime()
        ? known.userId
        : await this.appUserId(tenant.id, claims, now);
    if (this.appUsers.size >= MAX_CACHED) this.appUsers.clear();
    if (!known || known.until <= now.getTime())
      this.appUsers.set(appUserKey, { userId, until: now.getTime() + VERIFIED_CACHE_MS });
    const exp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
      .exp as number;
    return {
      tenantId: tenant.id,
      userId,
      sessionId: null,
      expiresAt: new Date(exp * 1000),
    };
  }

  /** The id of the app user with this external id, created on first use. */
  private async appUserId(
    tenantId: string,
    claims: { externalId: string; name: string | null },
    now: Date,
  ): Promise<string> {
    let user = await this.users.findByExternalId(tenantId, claims.externalId);
    if (!user) {
      const name = appUserName(claims.name, claims.externalId);
      try {
        user = await this.users.create({
          id: newId(),
          tenantId,
          phone: null,
          externalId: claims.externalId,
          isBot: false,
          name,
          avatarUrl: null,
          statusText: null,
          statusEmoji: null,
          presencePrivacy: 'EVERYONE',
          lastSeenAt: null,
          createdAt: now,
          updatedAt: now,
        });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
        user = await this.users.findByExternalId(tenantId, claims.externalId);
        if (!user) throw error;
      }
    }
    return user.id;
  }
}

/** The display name for a new app-issued user: the claim (or the id), cut by whole characters, validated. */
function appUserName(claim: string | null, externalId: string): string {
  const raw = (claim ?? externalId).trim() || externalId;
  const cut = [...raw].slice(0, 64).join('').trim();
  try {
    return checkText('name', cut, { min: 1, max: 64 });
  } catch {
    throw new DomainError(
      'UNAUTHENTICATED',
      'app token name claim must be 1–64 characters without control characters',
    );
  }
}

export function parseBearer(authorization: string | null | undefined): string {
  if (typeof authorization !== 'string' || authorization.length === 0) {
    throw new DomainError('UNAUTHENTICATED', 'missing access token');
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1])
    throw new DomainError('UNAUTHENTICATED', 'authorization must be "Bearer <token>"');
  return match[1];
}
