// Settings → Linked accounts: the OpenID Connect providers the user can sign in with, linking
// another one (the provider's page, then back here) and unlinking.
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  LinkedAccountsDocument,
  StartOidcLinkDocument,
  UnlinkAccountDocument,
} from '@chatter/client';
import { describeError, errorCode, errorReason } from '../apollo/errors';
import { describeOidcError, oidcFragment } from '../sign-in/oidc-messages';
import '../sign-in/oidc.css';

export function LinkedAccountsSection() {
  const { data, refetch } = useQuery(LinkedAccountsDocument);
  const [startLink, startState] = useMutation(StartOidcLinkDocument);
  const [unlink, unlinkState] = useMutation(UnlinkAccountDocument);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Back from the provider: the API's callback says how linking went.
  useEffect(() => {
    const fragment = oidcFragment(window.location.hash);
    if (!fragment) return;
    window.history.replaceState(null, '', '#/settings');
    const linked = fragment.get('oidc-linked');
    if (linked) {
      setNotice('Account linked.');
      void refetch();
    } else setError(describeOidcError(fragment.get('oidc-error'), fragment.get('reason')));
  }, [refetch]);

  const linkedAccounts = data?.linkedAccounts ?? [];
  const providers = data?.linkableProviders ?? [];
  if (providers.length === 0 && linkedAccounts.length === 0) return null;
  const linkedIds = new Set(linkedAccounts.map((a) => a.providerId));
  const busy = startState.loading || unlinkState.loading;

  const link = async (provider: string) => {
    setError(null);
    try {
      const { data: started } = await startLink({ variables: { provider } });
      if (started) window.location.assign(started.startOidcLink);
    } catch (e) {
      setError(describeError(e));
    }
  };

  const remove = async (provider: string) => {
    setError(null);
    setNotice(null);
    try {
      await unlink({ variables: { provider } });
      setNotice('Account unlinked.');
      await refetch();
    } catch (e) {
      setError(
        errorCode(e) === 'FORBIDDEN'
          ? describeOidcError('FORBIDDEN', errorReason(e) ?? null)
          : describeError(e),
      );
    }
  };

  return (
    <section className="stack card" aria-labelledby="linked-accounts-title">
      <h3 id="linked-accounts-title" className="section-title">
        Linked accounts
      </h3>
      <ul className="linked-accounts">
        {linkedAccounts.map((a) => (
          <li key={a.providerId} className="linked-accounts__row">
            <span>
              <strong>{a.displayName}</strong>
              {a.email && <span className="muted"> · {a.email}</span>}
            </span>
            <button
              type="button"
              className="button button--ghost"
              disabled={busy}
              onClick={() => void remove(a.providerId)}
            >
              Unlink
            </button>
          </li>
        ))}
        {providers
          .filter((p) => !linkedIds.has(p.id))
          .map((p) => (
            <li key={p.id} className="linked-accounts__row">
              <span className="muted">{p.displayName}: not linked</span>
              <button
                type="button"
                className="button button--ghost"
                disabled={busy}
                onClick={() => void link(p.id)}
              >
                Link {p.displayName}
              </button>
            </li>
          ))}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="form-notice" role="status">
          {notice}
        </p>
      )}
    </section>
  );
}
