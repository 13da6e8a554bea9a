import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ApiProcess } from './api-process';
import { ok, Session } from './graphql-client';

export const newTenantSecret = (): string => randomBytes(24).toString('hex');

export interface AppTokenOptions {
  tenant?: string;
  name?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  issuedAt?: number;
}

/** Signs an app-issued token the way a tenant backend does (HS256, `iss: app:<tenant>`). */
export async function appToken(
  secret: string,
  subject: string,
  options: AppTokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: options.name ?? subject })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`app:${options.tenant ?? 'default'}`)
    .setSubject(subject)
    .setIssuedAt(options.issuedAt ?? now)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(new TextEncoder().encode(secret));
}

/** A user created through an app-issued token (no SMS round trip, so no sign-up rate limit). */
export async function appUser(
  api: Pick<ApiProcess, 'url'>,
  name: string,
  secret: string,
  tenant = 'default',
): Promise<Session> {
  const subject = `${name.toLowerCase().replace(/[^a-z0-9]/g, '-')}-${randomBytes(4).toString('hex')}`;
  const token = await appToken(secret, subject, { tenant, name });
  const me = await ok<{ me: { id: string } }>(api, '{ me { id } }', {}, token);
  return { accessToken: token, refreshToken: '', userId: me.me.id, phone: '', name };
}
