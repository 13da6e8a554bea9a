import { describe, expect, it } from 'vitest';
import { describeOidcError, oidcFragment } from './oidc-messages';

describe('the OpenID Connect return fragment', () => {
  it('reads the callback result from the fragment, on the sign-in page or in settings', () => {
    expect(oidcFragment('#oidc-code=abc')?.get('oidc-code')).toBe('abc');
    expect(oidcFragment('#/settings/oidc-linked=kc')?.get('oidc-linked')).toBe('kc');
    const error = oidcFragment('#oidc-error=FORBIDDEN&reason=DOMAIN_NOT_ALLOWED');
    expect(error?.get('oidc-error')).toBe('FORBIDDEN');
    expect(error?.get('reason')).toBe('DOMAIN_NOT_ALLOWED');
  });

  it('ignores ordinary routes', () => {
    for (const hash of ['', '#/', '#/settings', '#/c/123', '#code=1', '#/settings/x=oidc-code'])
      expect(oidcFragment(hash)).toBeNull();
  });

  it('words each failure for a person, never the server code', () => {
    expect(describeOidcError('FORBIDDEN', 'DOMAIN_NOT_ALLOWED')).toMatch(/e-mail address/);
    expect(describeOidcError('CONFLICT', null)).toMatch(/another Chatter user/);
    expect(describeOidcError(null, null)).toBe('The sign-in did not complete. Please try again.');
    expect(describeOidcError('<script>', null)).not.toContain('<script>');
  });
});
