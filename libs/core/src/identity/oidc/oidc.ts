import { TenantId, UserId } from '../../shared/ids';

/** Provider ids are slugs: they appear in sign-in URLs. */
export const OIDC_PROVIDER_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** An OpenID Connect provider a tenant signs its users in with. */
export interface OidcProviderConfig {
  tenantId: TenantId;
  /** Slug, unique in the tenant (e.g. `google`, `keycloak`). */
  id: string;
  /** The sign-in button says "Continue with <displayName>". */
  displayName: string;
  /** The issuer URL; its `/.well-known/openid-configuration` is discovered. */
  issuer: string;
  clientId: string;
  /** Write-only: never returned by the API. */
  clientSecret: string;
  /** Lowercase e-mail domains allowed to sign in; empty allows any. */
  allowedDomains: string[];
  /**
   * Whether a first sign-in joins the account that already holds an identity with the same
   * e-mail, when the provider says the e-mail is verified. Never by username.
   */
  autoLinkVerifiedEmail: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's account at a provider, keyed by (issuer, subject) within the tenant. */
export interface OidcIdentity {
  tenantId: TenantId;
  userId: UserId;
  providerId: string;
  issuer: string;
  subject: string;
  /** Lowercase; null when the provider gave none. */
  email: string | null;
  emailVerified: boolean;
  createdAt: Date;
}

/** What the provider said about the person, after the id_token was validated. */
export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** Single-use, short-lived server-side records: a started flow, or a code handed to the app. */
export type OidcTicketKind = 'FLOW' | 'HANDOFF';

export interface OidcTicket {
  kind: OidcTicketKind;
  /** sha256 of the secret the browser holds (state, or the one-time code). */
  keyHash: string;
  tenantId: TenantId;
  /** JSON of the flow or hand-off. */
  payload: string;
  expiresAt: Date;
}
