import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, DomainErrorCode, forbidden, notFound } from '../../shared/domain-error';
import { newId, TenantId, UserId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceRateLimit } from '../../limits/rate-limit';
import { addressGroup } from '../../limits/address-group';
import { TENANT_ID_PATTERN } from '../../tenancy/tenant';
import { User } from '../user';
import { UserRepository } from '../user.repository';
import { AuthResult, SessionIssuer } from '../tokens/session-issuer';
import { randomToken, sha256 } from '../tokens/token.service';
import { OidcClaims, OidcProviderConfig } from './oidc';
import { OidcClient } from './oidc-client.port';
import { OidcRepository } from './oidc.repository';
import { checkProviderId, emailDomain } from './oidc-provider-input';
import { displayNameFromClaims } from './oidc-display-name';

/** A started flow lives this long (the person signs in at the provider meanwhile). */
export const OIDC_FLOW_TTL_MS = 10 * 60_000;
/** The one-time code handed to the web app lives this long. */
export const OIDC_HANDOFF_TTL_MS = 60_000;
/** The path of the callback on the API; the redirect URI to register is PUBLIC_URL + this. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';

interface FlowPayload {
  providerId: string;
  /** Set in link mode: the signed-in user who links the identity. */
  userId: UserId | null;
  nonce: string;
  codeVerifier: string;
}

/** What the callback achieved: a code for the web app to redeem, or a linked identity. */
export type OidcCallbackOutcome =
  | { kind: 'SIGNED_IN'; code: string }
  | { kind: 'LINKED'; providerId: string }
  /** A link flow that failed after it was identified: the web app shows it in settings. */
  | { kind: 'LINK_FAILED'; code: DomainErrorCode; reason: string | null };

const expired = () =>
  new DomainError('UNAUTHENTICATED', 'the sign-in expired or was already used: start again');

/**
 * Sign-in and account linking with OpenID Connect (Authorization Code + PKCE, state, nonce).
 * Flows are held server-side as single-use tickets keyed by the hash of their state; the callback
 * never hands tokens to the browser, only a one-time code the web app redeems for a session.
 */
@UseCase()
export class OidcSignIn {
  constructor(
    private readonly oidc: OidcRepository,
    private readonly client: OidcClient,
    private readonly users: UserRepository,
    private readonly issuer: SessionIssuer,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** The redirect URI every provider must have registered. */
  redirectUri(): string {
    if (!this.settings.publicUrl)
      throw new DomainError('UNAVAILABLE', 'OpenID Connect sign-in needs PUBLIC_URL to be set');
    return this.settings.publicUrl.replace(/\/+$/, '') + OIDC_CALLBACK_PATH;
  }

  /** Where the browser goes after the callback (the web app). */
  appUrl(): string {
    return this.redirectUri().slice(0, -OIDC_CALLBACK_PATH.length) + '/';
  }

  /** Starts a sign-in: the provider's authorization URL to redirect the browser to. */
  async start(tenant: string, providerId: string, clientIp: string): Promise<string> {
    await this.limit(clientIp);
    const provider = await this.provider(tenant, providerId);
    return this.begin(provider, null);
  }

  /** Starts linking a provider to the signed-in user. */
  async startLink(actor: Actor, providerId: string): Promise<string> {
    if (actor.grant || !actor.sessionId)
      throw forbidden('only a signed-in person can link a sign-in provider');
    const provider = await this.provider(actor.tenantId, providerId);
    return this.begin(provider, actor.userId);
  }

  /** Handles the provider's redirect back (its query parameters). */
  async callback(params: Record<string, string>, clientIp: string): Promise<OidcCallbackOutcome> {
    await this.limit(clientIp);
    const state = params['state'];
    if (typeof state !== 'string' || state.length === 0 || state.length > 200) throw expired();
    const ticket = await this.oidc.takeTicket('FLOW', sha256(state), this.clock.now());
    if (!ticket) throw expired();
    const flow = JSON.parse(ticket.payload) as FlowPayload;
    const provider = await this.oidc.findProvider(ticket.tenantId, flow.providerId);
    if (!provider) throw expired();
    const secrets = { state, nonce: flow.nonce, codeVerifier: flow.codeVerifier };
    if (flow.userId) {
      try {
        const claims = await this.client.exchange(provider, this.redirectUri(), params, secrets);
        this.assertDomainAllowed(provider, claims);
        await this.link(provider, claims, flow.userId);
        return { kind: 'LINKED', providerId: provider.id };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const reason = error.details['reason'];
        return {
          kind: 'LINK_FAILED',
          code: error.code,
          reason: typeof reason === 'string' ? reason : null,
        };
      }
    }
    const claims = await this.client.exchange(provider, this.redirectUri(), params, secrets);
    this.assertDomainAllowed(provider, claims);
    const user = await this.signInUser(provider, claims);
    const code = randomToken();
    await this.oidc.putTicket({
      kind: 'HANDOFF',
      keyHash: sha256(code),
      tenantId: user.tenantId,
      payload: JSON.stringify({ userId: user.id }),
      expiresAt: new Date(this.clock.now().getTime() + OIDC_HANDOFF_TTL_MS),
    });
    return { kind: 'SIGNED_IN', code };
  }

  /** The web app trades the one-time code for a session, once. */
  async redeem(code: string, clientIp: string): Promise<AuthResult> {
    await this.limit(clientIp);
    if (typeof code !== 'string' || code.length === 0 || code.length > 200) throw expired();
    const ticket = await this.oidc.takeTicket('HANDOFF', sha256(code), this.clock.now());
    if (!ticket) throw expired();
    const { userId } = JSON.parse(ticket.payload) as { userId: UserId };
    const user = await this.users.findById(ticket.tenantId, userId);
    if (!user) throw expired();
    return this.issuer.open(user);
  }

  private async begin(provider: OidcProviderConfig, userId: UserId | null): Promise<string> {
    const redirectUri = this.redirectUri();
    const secrets = { state: randomToken(), nonce: randomToken(), codeVerifier: randomToken() };
    const flow: FlowPayload = {
      providerId: provider.id,
      userId,
      nonce: secrets.nonce,
      codeVerifier: secrets.codeVerifier,
    };
    const url = await this.client.authorizationUrl(provider, redirectUri, secrets);
    await this.oidc.putTicket({
      kind: 'FLOW',
      keyHash: sha256(secrets.state),
      tenantId: provider.tenantId,
      payload: JSON.stringify(flow),
      expiresAt: new Date(this.clock.now().getTime() + OIDC_FLOW_TTL_MS),
    });
    return url;
  }

  private async provider(tenant: string, providerId: string): Promise<OidcProviderConfig> {
    if (typeof tenant !== 'string' || !TENANT_ID_PATTERN.test(tenant)) throw notFound('provider');
    const provider = await this.oidc.findProvider(tenant, checkProviderId(providerId));
    if (!provider) throw notFound('provider');
    return provider;
  }

  /** With allowed domains, only a verified e-mail of one of them may sign in or link. */
  private assertDomainAllowed(provider: OidcProviderConfig, claims: OidcClaims): void {
    if (provider.allowedDomains.length === 0) return;
    const domain = claims.emailVerified ? emailDomain(claims.email) : null;
    if (!domain || !provider.allowedDomains.includes(domain))
      throw new DomainError('FORBIDDEN', 'this e-mail domain may not sign in to this tenant', {
        reason: 'DOMAIN_NOT_ALLOWED',
      });
  }

  private async link(provider: OidcProviderConfig, claims: OidcClaims, userId: UserId) {
    const existing = await this.oidc.findIdentity(provider.tenantId, claims.issuer, claims.subject);
    if (existing) {
      if (existing.userId === userId) return;
      throw new DomainError('CONFLICT', 'this account is already linked to another user');
    }
    const user = await this.users.findById(provider.tenantId, userId);
    if (!user) throw expired();
    await this.addIdentity(provider, claims, user.id);
  }

  private async signInUser(provider: OidcProviderConfig, claims: OidcClaims): Promise<User> {
    const tenantId = provider.tenantId;
    const existing = await this.oidc.findIdentity(tenantId, claims.issuer, claims.subject);
    if (existing) return this.userOf(tenantId, existing.userId);
    // Joining an existing account by e-mail only when the provider vouches for the address and
    // the tenant opted in; usernames and unverified addresses never link.
    if (provider.autoLinkVerifiedEmail && claims.emailVerified && claims.email) {
      const match = await this.oidc.findIdentityByVerifiedEmail(
        tenantId,
        claims.email.toLowerCase(),
      );
      if (match) {
        await this.addIdentity(provider, claims, match.userId);
        return this.userOf(tenantId, match.userId);
      }
    }
    const now = this.clock.now();
    const user = await this.users.create({
      id: newId(),
      tenantId,
      phone: null,
      externalId: null,
      isBot: false,
      name: displayNameFromClaims(claims.name, claims.email),
      avatarUrl: null,
      statusText: null,
      statusEmoji: null,
      presencePrivacy: 'EVERYONE',
      lastSeenAt: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.addIdentity(provider, claims, user.id);
    } catch (error) {
      // Two concurrent first sign-ins: the first identity wins; this account stays unused.
      const winner = await this.oidc.findIdentity(tenantId, claims.issuer, claims.subject);
      if (winner) return this.userOf(tenantId, winner.userId);
      throw error;
    }
    return user;
  }

  private async userOf(tenantId: TenantId, userId: UserId): Promise<User> {
    const user = await this.users.findById(tenantId, userId);
    if (!user) throw expired();
    return user;
  }

  private async addIdentity(provider: OidcProviderConfig, claims: OidcClaims, userId: UserId) {
    try {
      await this.oidc.addIdentity({
        tenantId: provider.tenantId,
        userId,
        providerId: provider.id,
        issuer: claims.issuer,
        subject: claims.subject,
        email: claims.email ? claims.email.toLowerCase().slice(0, 320) : null,
        emailVerified: claims.emailVerified,
        createdAt: this.clock.now(),
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CONFLICT')
        throw new DomainError(
          'CONFLICT',
          'this user already has an account of this provider linked',
        );
      throw error;
    }
  }

  private limit(clientIp: string): Promise<void> {
    return enforceRateLimit(
      this.limiter,
      `oidc:ip:${addressGroup(clientIp)}`,
      this.settings.verifyPerIp,
      'sign-in attempts from this address',
    );
  }
}
