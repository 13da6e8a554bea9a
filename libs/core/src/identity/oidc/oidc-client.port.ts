import { OidcClaims, OidcProviderConfig } from './oidc';

/** What the flow keeps between the redirect to the provider and the callback. */
export interface OidcFlowSecrets {
  state: string;
  nonce: string;
  /** PKCE code verifier; the provider gets its S256 challenge. */
  codeVerifier: string;
}

/**
 * An OpenID Connect relying party (Authorization Code flow with PKCE). The adapter discovers the
 * issuer, builds the authorization URL and, on the callback, exchanges the code and validates the
 * id_token (signature, issuer, audience, expiry, nonce) and the state.
 */
export abstract class OidcClient {
  /** The provider's authorization URL for this flow (scopes `openid email profile`). */
  abstract authorizationUrl(
    provider: OidcProviderConfig,
    redirectUri: string,
    secrets: OidcFlowSecrets,
  ): Promise<string>;

  /**
   * Exchanges the callback's parameters (code, state, iss…) for validated claims. Throws
   * DomainError UNAUTHENTICATED when the provider refuses or anything fails validation.
   */
  abstract exchange(
    provider: OidcProviderConfig,
    redirectUri: string,
    callbackParams: Record<string, string>,
    secrets: OidcFlowSecrets,
  ): Promise<OidcClaims>;
}
