import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain-error';
import { CoreSettings } from '../../shared/settings';
import { TokenService } from './token.service';

const SECRET = 'tenant-secret-0123456789abcdef0123456789';
const now = new Date();

async function appToken(aud: string | string[] | undefined): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('app:acme')
    .setSubject('u1')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600);
  if (aud !== undefined) jwt.setAudience(aud);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

const service = (overrides: Partial<CoreSettings> = {}) =>
  new TokenService(new CoreSettings({ jwtSecret: 'j'.repeat(32), ...overrides }));
const outcome = async (svc: TokenService, aud: string | string[] | undefined) => {
  try {
    await svc.verifyAppToken(await appToken(aud), 'acme', SECRET, now);
    return 'ok';
  } catch (error) {
    return error instanceof DomainError ? error.code : 'thrown';
  }
};

describe('TokenService app-token audience', () => {
  it('accepts the configured audience (alone or in a list) and no aud; refuses any other', async () => {
    const svc = service();
    expect(await outcome(svc, 'chatter')).toBe('ok');
    expect(await outcome(svc, ['crm', 'chatter'])).toBe('ok');
    expect(await outcome(svc, undefined)).toBe('ok');
    expect(await outcome(svc, 'crm')).toBe('UNAUTHENTICATED');
    expect(await outcome(svc, ['crm', 'Chatter'])).toBe('UNAUTHENTICATED');
    expect(await outcome(svc, [])).toBe('UNAUTHENTICATED');
  });

  it('refuses tokens without aud when the audience is required, and honours another configured audience', async () => {
    const svc = service({
      appTokenAudience: 'https://chat.example.com',
      appTokenRequireAudience: true,
    });
    expect(await outcome(svc, undefined)).toBe('UNAUTHENTICATED');
    expect(await outcome(svc, 'chatter')).toBe('UNAUTHENTICATED');
    expect(await outcome(svc, 'https://chat.example.com')).toBe('ok');
  });
});
