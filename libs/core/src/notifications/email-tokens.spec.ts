import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashEmailCode, readUnsubscribeToken, signUnsubscribeToken } from './email-tokens';
import { normalizeEmailAddress } from './notification-email';

const SECRET = 's'.repeat(32);

describe('notification e-mail tokens and addresses', () => {
  it('reads back a token it signed, for any tenant, user and address', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (tenantId, userId, address) => {
        const token = signUnsubscribeToken(SECRET, { tenantId, userId, address });
        expect(readUnsubscribeToken(SECRET, token)).toEqual({ tenantId, userId, address });
        expect(readUnsubscribeToken('t'.repeat(32), token)).toBeNull();
      }),
    );
  });

  it('refuses tampered and malformed tokens', () => {
    const token = signUnsubscribeToken(SECRET, { tenantId: 't', userId: 'u', address: 'a@b.c' });
    const [payload, sig] = token.split('.');
    const other = Buffer.from(JSON.stringify(['t', 'v', 'a@b.c'])).toString('base64url');
    expect(readUnsubscribeToken(SECRET, `${other}.${sig}`)).toBeNull();
    expect(readUnsubscribeToken(SECRET, `${payload}.`)).toBeNull();
    expect(readUnsubscribeToken(SECRET, `${token}.x`)).toBeNull();
    expect(readUnsubscribeToken(SECRET, 42)).toBeNull();
    expect(readUnsubscribeToken(SECRET, 'x'.repeat(2000))).toBeNull();
    fc.assert(fc.property(fc.string(), (junk) => readUnsubscribeToken(SECRET, junk) === null));
  });

  it('binds a code hash to tenant, user, address and code', () => {
    const h = hashEmailCode(SECRET, 't', 'u', 'a@b.c', '123456');
    expect(hashEmailCode(SECRET, 't', 'u', 'a@b.c', '123456')).toBe(h);
    expect(hashEmailCode(SECRET, 't', 'u', 'a@b.c', '123457')).not.toBe(h);
    expect(hashEmailCode(SECRET, 't', 'u', 'x@b.c', '123456')).not.toBe(h);
    expect(hashEmailCode(SECRET, 't', 'v', 'a@b.c', '123456')).not.toBe(h);
  });

  it('accepts plain addresses, lower-cases the domain, refuses the rest', () => {
    expect(normalizeEmailAddress('  Ada.L+chat@Example.COM ')).toBe('Ada.L+chat@example.com');
    for (const bad of [
      '',
      'ada',
      'ada@localhost',
      'a b@example.com',
      '"ada"@example.com',
      'ada@example.com\r\nBcc: x@y.z',
      'Ada <ada@example.com>',
      '.ada@example.com',
      'a..b@example.com',
      'ada@-example.com',
      `${'a'.repeat(65)}@example.com`,
      `a@${'b'.repeat(250)}.com`,
      42,
    ])
      expect(normalizeEmailAddress(bad)).toBeNull();
    fc.assert(
      fc.property(fc.string(), (s) => {
        const n = normalizeEmailAddress(s);
        return n === null || (n.length <= 254 && !/[\s<>"\\,;]/.test(n));
      }),
    );
  });
});
