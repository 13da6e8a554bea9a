import { TenantId, UserId } from '../shared/ids';

/** Longest e-mail address accepted (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;
/** How long a verification code is valid, and how many wrong tries it takes before it is void. */
export const EMAIL_CODE_TTL_MS = 15 * 60_000;
export const EMAIL_CODE_MAX_ATTEMPTS = 5;

/**
 * Where a user's notification e-mail goes and whether digests are on. Nothing is sent to an
 * address until it is verified with the code mailed to it; a new address starts unverified.
 */
export interface NotificationEmail {
  tenantId: TenantId;
  userId: UserId;
  address: string;
  verified: boolean;
  /** E-mail digests of unread conversations (on by default; the unsubscribe link turns it off). */
  digestEnabled: boolean;
  /** HMAC of the pending verification code; null when none is pending. */
  codeHash: string | null;
  codeExpiresAt: Date | null;
  codeAttempts: number;
  /** When the last digest was sent (read-only here: the digest schedule keeps it). */
  lastDigestAt: Date | null;
}

/**
 * A plain, deliverable address: one `@`, no spaces, quotes, angle brackets or control characters,
 * a dotted domain, at most MAX_EMAIL_LENGTH characters. Returns the address trimmed with the domain
 * lower-cased, or null when it is not acceptable.
 */
export function normalizeEmailAddress(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_EMAIL_LENGTH) return null;
  const match =
    /^([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)$/.exec(
      trimmed,
    );
  if (!match) return null;
  const [, local, domain] = match;
  if (local!.startsWith('.') || local!.endsWith('.') || local!.includes('..')) return null;
  if (domain!.split('.').some((label) => label.startsWith('-') || label.endsWith('-'))) return null;
  return `${local}@${domain!.toLowerCase()}`;
}
