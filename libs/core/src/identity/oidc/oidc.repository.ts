import { TenantId, UserId } from '../../shared/ids';
import { OidcIdentity, OidcProviderConfig, OidcTicket, OidcTicketKind } from './oidc';

/** Persistence of a tenant's OpenID Connect providers, linked identities and flow tickets. */
export abstract class OidcRepository {
  /** Creates or replaces the provider (by tenant and id); createdAt of an existing one is kept. */
  abstract saveProvider(provider: OidcProviderConfig): Promise<OidcProviderConfig>;
  abstract findProvider(tenantId: TenantId, id: string): Promise<OidcProviderConfig | null>;
  /** The tenant's providers ordered by id. */
  abstract listProviders(tenantId: TenantId): Promise<OidcProviderConfig[]>;
  /** False when there was none. Identities linked through it stay (they can still be unlinked). */
  abstract removeProvider(tenantId: TenantId, id: string): Promise<boolean>;

  /**
   * Links an identity. CONFLICT when (tenant, issuer, subject) is linked already, or the user
   * has an identity of that provider.
   */
  abstract addIdentity(identity: OidcIdentity): Promise<OidcIdentity>;
  abstract findIdentity(
    tenantId: TenantId,
    issuer: string,
    subject: string,
  ): Promise<OidcIdentity | null>;
  /** The oldest identity of the tenant whose verified e-mail is `email` (lowercase). */
  abstract findIdentityByVerifiedEmail(
    tenantId: TenantId,
    email: string,
  ): Promise<OidcIdentity | null>;
  /** The user's identities, oldest first. */
  abstract listIdentities(tenantId: TenantId, userId: UserId): Promise<OidcIdentity[]>;
  /** False when the user had no identity of that provider. */
  abstract removeIdentity(tenantId: TenantId, userId: UserId, providerId: string): Promise<boolean>;

  abstract putTicket(ticket: OidcTicket): Promise<void>;
  /**
   * Deletes the ticket and returns it: only the first caller gets it (single use). Null when
   * absent or expired at `now` (expired tickets met on the way are deleted too).
   */
  abstract takeTicket(kind: OidcTicketKind, keyHash: string, now: Date): Promise<OidcTicket | null>;
}
