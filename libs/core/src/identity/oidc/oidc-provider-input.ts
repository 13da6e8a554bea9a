import { invalid } from '../../shared/domain-error';
import { checkText } from '../../shared/text';
import { OIDC_PROVIDER_ID_PATTERN } from './oidc';

/** What operators and tenant owners send to configure a provider. */
export interface OidcProviderInput {
  id: string;
  displayName: string;
  issuer: string;
  clientId: string;
  /** Omitted or null keeps the stored secret; '' makes a public client (PKCE only). */
  clientSecret?: string | null;
  allowedDomains?: readonly string[] | null;
  autoLinkVerifiedEmail?: boolean | null;
}

export const MAX_ALLOWED_DOMAINS = 50;
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
// Printable ASCII only: client ids and secrets are sent in HTTP headers and forms.
const PRINTABLE = /^[\x21-\x7e]*$/;

export function checkProviderId(id: unknown): string {
  if (typeof id !== 'string' || !OIDC_PROVIDER_ID_PATTERN.test(id))
    throw invalid('id', 'provider id must be 1–32 lowercase letters, digits or dashes');
  return id;
}

/** An https issuer URL (http only on loopback, for development), without query or fragment. */
export function checkIssuer(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500)
    throw invalid('issuer', 'issuer must be a URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('issuer', 'issuer must be a URL');
  }
  const loopback = LOOPBACK.has(url.hostname);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)))
    throw invalid('issuer', 'issuer must be an https URL');
  if (url.search || url.hash || url.username || url.password)
    throw invalid('issuer', 'issuer must not carry a query, fragment or credentials');
  // The issuer is compared verbatim with the id_token's `iss`: keep what the operator typed.
  return value;
}

function checkAscii(field: string, value: unknown, min: number, max: number): string {
  if (
    typeof value !== 'string' ||
    value.length < min ||
    value.length > max ||
    !PRINTABLE.test(value)
  )
    throw invalid(field, `${field} must be ${min}–${max} printable ASCII characters`);
  return value;
}

export function checkDomains(value: readonly unknown[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_ALLOWED_DOMAINS)
    throw invalid('allowedDomains', `at most ${MAX_ALLOWED_DOMAINS} domains`);
  const domains = value.map((d) => (typeof d === 'string' ? d.trim().toLowerCase() : ''));
  for (const d of domains)
    if (!DOMAIN.test(d)) throw invalid('allowedDomains', 'each domain must look like example.com');
  return [...new Set(domains)].sort();
}

export interface CheckedProviderInput {
  id: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  allowedDomains: string[];
  autoLinkVerifiedEmail: boolean | null;
}

export function checkProviderInput(input: OidcProviderInput): CheckedProviderInput {
  if (typeof input !== 'object' || input === null) throw invalid('input', 'input required');
  return {
    id: checkProviderId(input.id),
    displayName: checkText('displayName', input.displayName, { min: 1, max: 40 }),
    issuer: checkIssuer(input.issuer),
    clientId: checkAscii('clientId', input.clientId, 1, 255),
    clientSecret:
      input.clientSecret === undefined || input.clientSecret === null
        ? null
        : checkAscii('clientSecret', input.clientSecret, 0, 500),
    allowedDomains: checkDomains(input.allowedDomains),
    autoLinkVerifiedEmail:
      input.autoLinkVerifiedEmail === undefined || input.autoLinkVerifiedEmail === null
        ? null
        : Boolean(input.autoLinkVerifiedEmail),
  };
}

/** The domain of an e-mail address, lowercase; null when it is not one. */
export function emailDomain(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return null;
  return email.slice(at + 1).toLowerCase();
}
