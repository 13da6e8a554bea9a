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

describe('TokenService keys', () => {
  it('verifies each token with the secret it is given, after other secrets were used (keys are kept per secret)', async () => {
    const svc = service();
    const token = await appToken('chatter');
    const other = `${SECRET}-rotated`;
    const verify = (secret: string) =>
      svc.verifyAppToken(token, 'acme', secret, now).then(
        () => 'ok',
        (error: unknown) => (error instanceof DomainError ? error.code : 'thrown'),
      );
    expect(await verify(SECRET)).toBe('ok');
    expect(await verify(other)).toBe('UNAUTHENTICATED');
    expect(await verify(SECRET)).toBe('ok');
    for (let i = 0; i < 1100; i++) expect(await verify(`${other}-${i}`)).toBe('UNAUTHENTICATED');
    expect(await verify(SECRET)).toBe('ok');
    expect(await verify(other)).toBe('UNAUTHENTICATED');
  });

  it('verifies the access tokens it signs, and refuses those of another JWT secret', async () => {
    const svc = service();
    const { token } = await svc.signAccess({ tenantId: 't', userId: 'u', sessionId: 's' }, now);
    await expect(svc.verifyAccess(token, now)).resolves.toMatchObject({
      tenantId: 't',
      userId: 'u',
      sessionId: 's',
    });
    await expect(service({ jwtSecret: 'k'.repeat(32) }).verifyAccess(token, now)).rejects.toThrow(
      DomainError,
    );
  });
});
