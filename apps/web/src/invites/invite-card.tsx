// Offered when a number has no account yet: invite that person by a share sheet, the clipboard
// or an SMS from this device. Nothing is sent by the server.
import { useState } from 'react';
import { useQuery } from '@apollo/client';
import { MeDocument } from '@chatter/client';
import { appUrl, inviteText, smsHref } from './invite-text';

export function InviteCard({ phone, display }: { phone: string; display: string }) {
  const { data } = useQuery(MeDocument, { fetchPolicy: 'cache-first' });
  const [copied, setCopied] = useState(false);
  const text = inviteText(data?.me.name, appUrl(window.location));
  const canShare = typeof navigator.share === 'function';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="invite-card" aria-label="Invite to Chatter">
      <p>
        <strong>{display}</strong> is not on Chatter yet. Invite them: once they sign up with this
        number you can chat.
      </p>
      <p className="invite-card__text">{text}</p>
      <div className="invite-card__actions">
        {canShare && (
          <button
            type="button"
            className="button button--primary"
            onClick={() => void navigator.share({ text }).catch(() => undefined)}
          >
            Share invite
          </button>
        )}
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy invite'}
        </button>
        <a className="button" href={smsHref(phone, text)}>
          Send by SMS
        </a>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {copied ? 'Invitation copied' : ''}
      </p>
    </section>
  );
}
