import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain-error';
import { displayNameFromClaims } from './oidc-display-name';
import { checkDomains, checkIssuer, checkProviderInput, emailDomain } from './oidc-provider-input';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return String(error.details['field']);
    throw error;
  }
  return undefined;
};

describe('OpenID Connect provider input', () => {
  it('accepts https issuers verbatim, http only on loopback, nothing with a query or credentials', () => {
    expect(checkIssuer('https://id.example.com/realms/a')).toBe('https://id.example.com/realms/a');
    expect(checkIssuer('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
    expect(checkIssuer('http://localhost/app/')).toBe('http://localhost/app/');
    for (const bad of [
      'http://id.example.com',
      'ftp://id.example.com',
      'https://id.example.com/?a=1',
      'https://id.example.com/#x',
      'https://user:pw@id.example.com',
      'javascript:alert(1)',
      'not a url',
      `https://id.example.com/${'a'.repeat(600)}`,
    ])
      expect(
        fieldOf(() => checkIssuer(bad)),
        bad,
      ).toBe('issuer');
  });

  it('normalises allowed domains (lowercase, sorted, unique) and refuses anything else', () => {
    expect(checkDomains([' Example.COM', 'corp.example', 'example.com'])).toEqual([
      'corp.example',
      'example.com',
    ]);
    expect(checkDomains(null)).toEqual([]);
    for (const bad of [['$&'], ['localhost'], ['a..b'], ['-a.com'], [7 as unknown as string]])
      expect(fieldOf(() => checkDomains(bad))).toBe('allowedDomains');
    expect(fieldOf(() => checkDomains(Array.from({ length: 51 }, (_, i) => `d${i}.com`)))).toBe(
      'allowedDomains',
    );
  });

  it('refuses bad ids, names and client credentials with the field named', () => {
    const ok = {
      id: 'kc',
      displayName: 'Keycloak',
      issuer: 'https://id.example.com',
      clientId: 'c',
    };
    expect(checkProviderInput(ok)).toMatchObject({ id: 'kc', clientSecret: null });
    expect(fieldOf(() => checkProviderInput({ ...ok, id: 'Key Cloak' }))).toBe('id');
    expect(fieldOf(() => checkProviderInput({ ...ok, displayName: 'a\u0007' }))).toBe(
      'displayName',
    );
    expect(fieldOf(() => checkProviderInput({ ...ok, clientId: 'with space' }))).toBe('clientId');
    expect(fieldOf(() => checkProviderInput({ ...ok, clientSecret: 'x'.repeat(501) }))).toBe(
      'clientSecret',
    );
    expect(checkProviderInput({ ...ok, clientSecret: '' }).clientSecret).toBe('');
  });

  it('takes the domain of an e-mail address, or none', () => {
    expect(emailDomain('Ann@Corp.Example')).toBe('corp.example');
    expect(emailDomain('a@b@c.example')).toBe('c.example');
    for (const bad of [null, '', 'ann', '@example.com', 'ann@'])
      expect(emailDomain(bad)).toBeNull();
  });
});

describe('display names from claims', () => {
  it('uses the name, else the local part of the e-mail, else "New user"', () => {
    expect(displayNameFromClaims('  Ada   Lovelace ', 'x@y.z')).toBe('Ada Lovelace');
    expect(displayNameFromClaims(null, 'ada.l@example.com')).toBe('ada.l');
    expect(displayNameFromClaims('\u202e\u0000', null)).toBe('New user');
    expect(displayNameFromClaims('a'.repeat(100), null)).toHaveLength(64);
  });

  it('never returns control or bidi characters, blank names or more than 64 code points', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ unit: 'binary', maxLength: 300 })),
        fc.option(fc.string({ unit: 'binary', maxLength: 100 })),
        (name, email) => {
          const result = displayNameFromClaims(name, email);
          expect([...result].length).toBeGreaterThan(0);
          expect([...result].length).toBeLessThanOrEqual(64);
          expect(result.trim()).toBe(result);
          // eslint-disable-next-line no-control-regex -- the point of the check
          expect(result).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
          expect(result).not.toMatch(
            /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
          );
        },
      ),
    );
  });
});
