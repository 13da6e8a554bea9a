// What a person reads when an OpenID Connect sign-in or link comes back with an error code
// (the API's callback puts `oidc-error` and sometimes `reason` in the URL fragment).

/** The fragment's parameters, after a leading `#`, `#/` or `#/settings/`; null when none. */
export function oidcFragment(hash: string): URLSearchParams | null {
  const body = hash.replace(/^#\/?(?:settings\/)?/, '');
  if (!/^oidc-(?:code|error|linked)=/.test(body)) return null;
  return new URLSearchParams(body);
}

export function describeOidcError(code: string | null, reason: string | null): string {
  if (reason === 'DOMAIN_NOT_ALLOWED')
    return 'This e-mail address may not sign in here. Use an address of your organisation.';
  if (reason === 'LAST_SIGN_IN_METHOD')
    return 'This is your only way to sign in. Link another account first.';
  switch (code ?? '') {
    case 'CONFLICT':
      return 'That account is already linked to another Chatter user.';
    case 'NOT_FOUND':
      return 'That sign-in option is not available any more.';
    case 'UNAVAILABLE':
      return 'The sign-in service could not be reached. Try again later.';
    case 'RATE_LIMITED':
      return 'Too many attempts. Try again in a moment.';
    case 'ACCOUNT_SUSPENDED':
      return 'This account is suspended for now.';
    case 'ACCOUNT_BANNED':
      return 'This account has been banned.';
    case 'FORBIDDEN':
      return 'You are not allowed to sign in this way.';
    default:
      return 'The sign-in did not complete. Please try again.';
  }
}
