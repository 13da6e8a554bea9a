// Offered when a number has no account yet: invite that person by a share sheet, the clipboard,
// an SMS from this device, or an SMS the server sends through its configured sender (limited).
import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { MeDocument, SendInviteDocument } from '@chatter/client';
import { describeError, errorCode } from '../apollo/errors';
import { appUrl, inviteSmsErrorText, inviteText, smsHref } from './invite-text';

export function InviteCard({ phone, display }: { phone: string; display: string }) {
  const { data } = useQuery(MeDocument, { fetchPolicy: 'cache-first' });
  const [copied, setCopied] = useState(false);
  const [sendInvite, { loading: sending }] = useMutation(SendInviteDocument);
  const [texted, setTexted] = useState<{ ok: boolean; text: string } | null>(null);
  const textInvite = () =>
    sendInvite({ variables: { phone } }).then(
      () => setTexted({ ok: true, text: `Invitation sent to ${display}.` }),
      (e: unknown) =>
        setTexted({ ok: false, text: inviteSmsErrorText(errorCode(e)) ?? describeError(e) }),
    );
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
        <button
          type="button"
          className="button"
          disabled={sending || texted?.ok === true}
          onClick={() => void textInvite()}
        >
          {texted?.ok ? 'Invitation sent' : sending ? 'Sending…' : 'Let Chatter text them'}
        </button>
      </div>
      {texted && (
        <p className={texted.ok ? 'muted' : 'form-error'} role={texted.ok ? 'status' : 'alert'}>
          {texted.text}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {copied ? 'Invitation copied' : ''}
      </p>
    </section>
  );
}
