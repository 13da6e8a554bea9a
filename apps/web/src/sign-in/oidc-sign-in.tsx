// Sign-in with the tenant's OpenID Connect providers: one button each, and the return trip (the
// API's callback sends the browser back with a one-time code in the URL fragment, which is
// traded here for a session, the same way a phone sign-in ends).
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { OidcProvidersDocument, SignInWithOidcDocument } from '@chatter/client';
import { useAppServices } from '../app/services';
import { describeError } from '../apollo/errors';
import { describeOidcError, oidcFragment } from './oidc-messages';
import './oidc.css';

/** Drops the fragment so a reload or the back button never replays it. */
const clearFragment = () =>
  window.history.replaceState(null, '', window.location.pathname + window.location.search);

export function OidcSignIn({ tenant }: { tenant: string | undefined }) {
  const { session } = useAppServices();
  const { data } = useQuery(OidcProvidersDocument, { variables: { tenant } });
  const [exchange, { loading }] = useMutation(SignInWithOidcDocument);
  const [error, setError] = useState<string | null>(null);
  const handled = useRef(false);

  useEffect(() => {
    if (handled.current) return;
    handled.current = true;
    const fragment = oidcFragment(window.location.hash);
    if (!fragment) return;
    clearFragment();
    const code = fragment.get('oidc-code');
    if (!code) {
      setError(describeOidcError(fragment.get('oidc-error'), fragment.get('reason')));
      return;
    }
    exchange({ variables: { code } })
      .then(({ data: result }) => {
        if (result) session.accept(result.signInWithOidc);
      })
      .catch((e: unknown) => setError(describeError(e)));
  }, [exchange, session]);

  const providers = data?.oidcProviders ?? [];
  if (providers.length === 0 && !error && !loading) return null;
  const base = `/auth/oidc/${encodeURIComponent(tenant ?? 'default')}`;
  return (
    <div className="oidc-sign-in" aria-label="Other ways to sign in">
      {loading && <p className="muted">Signing you in…</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {providers.length > 0 && <p className="oidc-sign-in__or muted">or</p>}
      {providers.map((p) => (
        <a
          key={p.id}
          className="button button--ghost button--block"
          href={`${base}/${encodeURIComponent(p.id)}/start`}
        >
          Continue with {p.displayName}
        </a>
      ))}
    </div>
  );
}
