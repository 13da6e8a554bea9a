import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  MyNotificationEmailDocument,
  SetEmailDigestDocument,
  SetNotificationEmailDocument,
  VerifyNotificationEmailDocument,
} from '@chatter/client';
import { describeError } from '../apollo/errors';
import { writeNotificationEmail as keep } from '../realtime/cache-writes';

/**
 * Settings → Notifications → E-mail digest: the address digests go to, the code mailed to verify
 * it, and digests on or off. Hidden when the server has no mail server.
 */
export function EmailDigestSection() {
  const { data } = useQuery(MyNotificationEmailDocument);
  const [setEmail, setting] = useMutation(SetNotificationEmailDocument, {
    update: (cache, { data: d }) => keep(cache, d?.setNotificationEmail),
  });
  const [verify, verifying] = useMutation(VerifyNotificationEmailDocument, {
    update: (cache, { data: d }) => keep(cache, d?.verifyNotificationEmail),
  });
  const [setDigest] = useMutation(SetEmailDigestDocument, {
    update: (cache, { data: d }) => keep(cache, d?.setEmailDigest),
  });
  const [address, setAddress] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'notice'; text: string } | null>(null);
  const email = data?.myNotificationEmail;
  if (!email?.available) return null;
  const shown = address ?? email.address ?? '';

  const run = async (action: () => Promise<unknown>, done: string) => {
    setMessage(null);
    try {
      await action();
      setMessage({ kind: 'notice', text: done });
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    }
  };

  return (
    <div className="stack email-digest" role="group" aria-labelledby="email-digest-title">
      <h3 id="email-digest-title">E-mail digest</h3>
      <p className="muted">
        A summary of conversations you have not read, e-mailed when you have been away for a while.
      </p>
      <form
        className="email-digest__row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(
            async () => {
              await setEmail({ variables: { email: shown.trim() || null } });
              setAddress(null);
              setCode('');
            },
            shown.trim() ? `We sent a code to ${shown.trim()}.` : 'E-mail address removed.',
          );
        }}
      >
        <label className="field">
          <span>E-mail address</span>
          <input
            type="email"
            autoComplete="email"
            maxLength={254}
            value={shown}
            onChange={(e) => setAddress(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="button"
          disabled={setting.loading || shown.trim() === (email.address ?? '')}
        >
          {shown.trim() ? 'Send code' : 'Remove'}
        </button>
      </form>
      {email.address && !email.verified && (
        <form
          className="email-digest__row"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await verify({ variables: { code: code.trim() } });
              setCode('');
            }, 'E-mail address verified.');
          }}
        >
          <label className="field">
            <span>Code from the e-mail</span>
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </label>
          <button
            type="submit"
            className="button button--primary"
            disabled={verifying.loading || code.length !== 6}
          >
            Verify
          </button>
          {!email.codePending && (
            <button
              type="button"
              className="button button--ghost"
              onClick={() =>
                void run(
                  () => setEmail({ variables: { email: email.address } }),
                  `We sent a new code to ${email.address}.`,
                )
              }
            >
              Send a new code
            </button>
          )}
        </form>
      )}
      {email.address && (
        <label className="check-row">
          <input
            type="checkbox"
            checked={email.emailDigest}
            onChange={(e) =>
              void run(
                () => setDigest({ variables: { enabled: e.target.checked } }),
                e.target.checked ? 'E-mail digests are on.' : 'E-mail digests are off.',
              )
            }
          />
          <span>
            E-mail me a digest of unread conversations
            {email.verified ? '' : ' (once the address is verified)'}
          </span>
        </label>
      )}
      {email.verified && <p className="muted">Verified: {email.address}</p>}
      {message && (
        <p
          className={message.kind === 'error' ? 'form-error' : 'form-notice'}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
