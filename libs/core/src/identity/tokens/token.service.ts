import { createHash, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT, decodeJwt } from 'jose';
import { DomainError } from '../../shared/domain-error';
import { CoreSettings } from '../../shared/settings';
import { DomainService } from '../../shared/domain-service';

export interface AccessClaims {
  tenantId: string;
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

export interface AppTokenClaims {
  tenantId: string;
  externalId: string;
  name: string | null;
}

const ISSUER = 'chatter';
/** App-issued tokens may not live longer than this. */
const APP_TOKEN_MAX_LIFETIME_S = 24 * 3600;
/** Tolerated difference between the tenant backend's clock and ours. */
const CLOCK_SKEW_S = 60;

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** Tenant signing keys kept ready (a rotated-away secret drops out when the map is refilled). */
const MAX_APP_KEYS = 1000;

/** Signs and verifies access tokens (HS256) and verifies app-issued tokens. */
@DomainService()
export class TokenService {
  private readonly key: KeyObject;
  /**
   * HMAC keys by tenant secret: made once rather than on every verification (a key given as
   * bytes is turned into a KeyObject on each call).
   */
  private readonly appKeys = new Map<string, KeyObject>();

  constructor(private readonly settings: CoreSettings) {
    if (settings.jwtSecret.length < 32)
      throw new Error('JWT secret must be at least 32 characters');
    this.key = createSecretKey(Buffer.from(settings.jwtSecret, 'utf8'));
  }

  private appKey(secret: string): KeyObject {
    let key = this.appKeys.get(secret);
    if (!key) {
      if (this.appKeys.size >= MAX_APP_KEYS) this.appKeys.clear();
      key = createSecretKey(Buffer.from(secret, 'utf8'));
      this.appKeys.set(secret, key);
    }
    return key;
  }

  async signAccess(
    claims: Omit<AccessClaims, 'expiresAt'>,
    now: Date,
  ): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.settings.accessTokenTtlSeconds;
    const token = await new SignJWT({ tid: claims.tenantId, sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(claims.userId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Tells which kind of bearer token this is without trusting it. */
  issuerOf(token: string): string | null {
    try {
      const iss = decodeJwt(token).iss;
      return typeof iss === 'string' ? iss : null;
    } catch {
      return null;
    }
  }

  async verifyAccess(token: string, now: Date): Promise<AccessClaims> {
    const { payload } = await this.verify(token, this.key, now, { issuer: ISSUER });
    const { sub, tid, sid, exp } = payload;
    if (
      typeof sub !== 'string' ||
      typeof tid !== 'string' ||
      typeof sid !== 'string' ||
      typeof exp !== 'number'
    ) {
      throw new DomainError('UNAUTHENTICATED', 'invalid access token');
    }
    return { tenantId: tid, userId: sub, sessionId: sid, expiresAt: new Date(exp * 1000) };
  }

  /** Verifies a token a tenant's backend signed with its secret (`iss: app:<tenant>`). */
  async verifyAppToken(
    token: string,
    tenantId: string,
    secret: string,
    now: Date,
  ): Promise<AppTokenClaims> {
    const { payload } = await this.verify(token, this.appKey(secret), now, {
      issuer: `app:${tenantId}`,
    });
    const { sub, exp, iat, name, aud } = payload;
    // A token minted for another service (another audience) with the same secret is not ours.
    if (aud === undefined) {
      if (this.settings.appTokenRequireAudience)
        throw new DomainError(
          'UNAUTHENTICATED',
          `app token needs aud: "${this.settings.appTokenAudience}"`,
        );
    } else if (!(Array.isArray(aud) ? aud : [aud]).includes(this.settings.appTokenAudience)) {
      throw new DomainError(
        'UNAUTHENTICATED',
        `app token audience must include "${this.settings.appTokenAudience}"`,
      );
    }
    if (typeof sub !== 'string' || sub.length < 1 || sub.length > 128 || typeof exp !== 'number') {
      throw new DomainError('UNAUTHENTICATED', 'app token needs sub (1-128 chars) and exp');
    }
    const nowS = Math.floor(now.getTime() / 1000);
    if (typeof iat === 'number' && iat > nowS + CLOCK_SKEW_S) {
      throw new DomainError('UNAUTHENTICATED', 'app token issued in the future');
    }
    if (exp - nowS > APP_TOKEN_MAX_LIFETIME_S) {
      throw new DomainError('UNAUTHENTICATED', 'app token lifetime exceeds 24 hours');
    }
    return { tenantId, externalId: sub, name: typeof name === 'string' ? name : null };
  }

  private async verify(token: string, key: KeyObject, now: Date, opts: { issuer: string }) {
    if (typeof token !== 'string' || token.length > 4096) {
      throw new DomainError('UNAUTHENTICATED', 'invalid token');
    }
    try {
      // Only HS256 is accepted: `alg: none` and algorithm confusion are refused here.
      return await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: opts.issuer,
        currentDate: now,
      });
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw new DomainError('TOKEN_EXPIRED', 'token expired');
      throw new DomainError('UNAUTHENTICATED', 'invalid token');
    }
  }
}
