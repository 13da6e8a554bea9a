import { isIP } from 'node:net';
import { custom, errors, generators, Issuer } from 'openid-client';
import {
  DomainError,
  guardedLookup,
  OidcClaims,
  OidcClient,
  OidcFlowSecrets,
  OidcProviderConfig,
  REFUSED_TARGET_MESSAGE,
} from '@chatter/core';

/** A discovered issuer is reused this long; a failed discovery is not cached. */
const DISCOVERY_TTL_MS = 60 * 60_000;
const MAX_CACHED_ISSUERS = 200;
/** Discovery, token and JWKS requests give up after this long. */
const HTTP_TIMEOUT_MS = 5_000;
/** The callback parameters a provider sends back; anything else is dropped. */
const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'session_state'];

custom.setHttpOptionsDefaults({ timeout: HTTP_TIMEOUT_MS });

const failed = (message: string) =>
  new DomainError('UNAUTHENTICATED', `sign-in with the provider failed: ${message}`);

/** Whether the adapter may connect to an address (after DNS, for every request it makes). */
export type AllowOidcTarget = (address: string) => boolean;

const refusedTarget = (error: unknown) =>
  error instanceof Error && error.message.includes(REFUSED_TARGET_MESSAGE);

const REFUSED_HINT =
  'the sign-in provider is at a private or loopback address this server may not reach (the operator can allow its range in OIDC_ALLOW_PRIVATE_RANGES)';

/**
 * openid-client's per-object HTTP options hook, holding every request to allowed addresses: a
 * name is resolved by a lookup that keeps only allowed addresses (so the socket connects to a
 * checked one, with no second resolution); an IP literal, which Node connects to without a
 * lookup, is checked here. Endpoints come from the provider's discovery document, which the
 * tenant owner controls as much as the issuer, so JWKS, token and userinfo are held too.
 */
function guardedHttpOptions(allowTarget: AllowOidcTarget) {
  const lookup = guardedLookup(allowTarget);
  return (url: URL) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !allowTarget(host)) throw new Error(REFUSED_TARGET_MESSAGE);
    return { lookup };
  };
}

/**
 * The `OidcClient` port on `openid-client` 5 (CommonJS, so the API's CommonJS build loads it on
 * every supported Node.js). Discovery through `/.well-known/openid-configuration`; the id_token's
 * signature (JWKS), issuer, audience, expiry and nonce, the state and the PKCE verifier are all
 * checked by the library.
 */
export class OpenidClientOidc extends OidcClient {
  private readonly issuers = new Map<string, { issuer: Issuer; until: number }>();
  private readonly httpOptions: ReturnType<typeof guardedHttpOptions>;
  /** Discovery through an `Issuer` class with this adapter's guard (the hook is per class). */
  private readonly discoverIssuer: (url: string) => Promise<Issuer>;

  /**
   * `warn` receives failures worth an operator's attention (unreachable provider);
   * `allowTarget` says which addresses the provider's endpoints may resolve to.
   */
  constructor(
    private readonly warn: (message: string) => void,
    allowTarget: AllowOidcTarget,
  ) {
    super();
    this.httpOptions = guardedHttpOptions(allowTarget);
    const GuardedIssuer = class extends Issuer {};
    GuardedIssuer[custom.http_options] = this.httpOptions;
    this.discoverIssuer = (url) => GuardedIssuer.discover(url);
  }

  override async authorizationUrl(
    provider: OidcProviderConfig,
    redirectUri: string,
    secrets: OidcFlowSecrets,
  ): Promise<string> {
    const client = await this.client(provider, redirectUri);
    return client.authorizationUrl({
      scope: 'openid email profile',
      redirect_uri: redirectUri,
      response_type: 'code',
      state: secrets.state,
      nonce: secrets.nonce,
      code_challenge: generators.codeChallenge(secrets.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  override async exchange(
    provider: OidcProviderConfig,
    redirectUri: string,
    callbackParams: Record<string, string>,
    secrets: OidcFlowSecrets,
  ): Promise<OidcClaims> {
    const client = await this.client(provider, redirectUri);
    const params: Record<string, string> = {};
    for (const key of CALLBACK_PARAMS) {
      const value = callbackParams[key];
      if (typeof value === 'string') params[key] = value;
    }
    try {
      const tokens = await client.callback(redirectUri, params, {
        state: secrets.state,
        nonce: secrets.nonce,
        code_verifier: secrets.codeVerifier,
        response_type: 'code',
      });
      const idClaims = tokens.claims();
      // Providers that keep e-mail and name out of the id_token (as the spec's default has it)
      // answer them at the userinfo endpoint; the library checks its `sub` against the token's.
      const extra =
        (idClaims.email === undefined || idClaims.name === undefined) &&
        tokens.access_token &&
        client.issuer.metadata.userinfo_endpoint
          ? await client.userinfo(tokens)
          : {};
      const claims = { ...extra, ...idClaims };
      const email = typeof claims.email === 'string' ? claims.email.slice(0, 320) : null;
      return {
        issuer: idClaims.iss,
        subject: idClaims.sub,
        email,
        // Only a literal true counts: some providers send "true" strings or omit it.
        emailVerified: email !== null && claims.email_verified === true,
        name: typeof claims.name === 'string' ? claims.name : null,
      };
    } catch (error) {
      if (error instanceof errors.OPError || error instanceof errors.RPError)
        throw failed(error.message.slice(0, 200));
      if (refusedTarget(error)) {
        this.warn(`OpenID Connect exchange with ${provider.id} refused: ${String(error)}`);
        throw new DomainError('UNAVAILABLE', REFUSED_HINT);
      }
      this.warn(`OpenID Connect exchange with ${provider.id} failed: ${String(error)}`);
      throw failed('the provider could not be reached');
    }
  }

  private async client(provider: OidcProviderConfig, redirectUri: string) {
    const issuer = await this.discover(provider.issuer);
    const client = new issuer.Client({
      client_id: provider.clientId,
      ...(provider.clientSecret
        ? {
            client_secret: provider.clientSecret,
            token_endpoint_auth_method: 'client_secret_basic',
          }
        : { token_endpoint_auth_method: 'none' }),
      redirect_uris: [redirectUri],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
    });
    client[custom.http_options] = this.httpOptions; // token and userinfo requests
    return client;
  }

  private async discover(url: string): Promise<Issuer> {
    const now = Date.now();
    const cached = this.issuers.get(url);
    if (cached && cached.until > now) return cached.issuer;
    let issuer: Issuer;
    try {
      issuer = await this.discoverIssuer(url);
    } catch (error) {
      this.warn(`OpenID Connect discovery of ${url} failed: ${String(error)}`);
      throw new DomainError(
        'UNAVAILABLE',
        refusedTarget(error) ? REFUSED_HINT : 'the sign-in provider could not be reached',
      );
    }
    issuer[custom.http_options] = this.httpOptions; // JWKS requests
    if (issuer.metadata.issuer !== url)
      throw new DomainError('UNAVAILABLE', 'the provider names another issuer than configured');
    if (this.issuers.size >= MAX_CACHED_ISSUERS) this.issuers.clear();
    this.issuers.set(url, { issuer, until: now + DISCOVERY_TTL_MS });
    return issuer;
  }
}
