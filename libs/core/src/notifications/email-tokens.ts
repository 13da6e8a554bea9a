import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Codes and links for notification e-mail, keyed by the server secret: the verification code is
 * kept only as an HMAC bound to the user and address, and the unsubscribe token is an HMAC-signed
 * (tenant, user, address) that needs no sign-in.
 */
const mac = (secret: string, purpose: string, value: string): Buffer =>
  createHmac('sha256', `${purpose}\u0000${secret}`).update(value).digest();

export function hashEmailCode(
  secret: string,
  tenantId: string,
  userId: string,
  address: string,
  code: string,
): string {
  return mac(secret, 'chatter-email-code', `${tenantId}\n${userId}\n${address}\n${code}`).toString(
    'base64url',
  );
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface UnsubscribeClaim {
  tenantId: string;
  userId: string;
  address: string;
}

export function signUnsubscribeToken(secret: string, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(
    JSON.stringify([claim.tenantId, claim.userId, claim.address]),
    'utf8',
  ).toString('base64url');
  return `${payload}.${mac(secret, 'chatter-unsubscribe', payload).toString('base64url')}`;
}

/** The claim of a token this server signed, or null (tampered, malformed, too long). */
export function readUnsubscribeToken(secret: string, token: unknown): UnsubscribeClaim | null {
  if (typeof token !== 'string' || token.length > 1024) return null;
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return null;
  const expected = mac(secret, 'chatter-unsubscribe', payload).toString('base64url');
  if (!sameHash(signature, expected)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (
      !Array.isArray(parsed) ||
      parsed.length !== 3 ||
      !parsed.every((p) => typeof p === 'string')
    )
      return null;
    const [tenantId, userId, address] = parsed as [string, string, string];
    return { tenantId, userId, address };
  } catch {
    return null;
  }
}
