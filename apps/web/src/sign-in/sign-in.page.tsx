// Phone sign-in: number → code → (first time only) name. The server answers the same way
// whether or not a number is registered; NAME_REQUIRED tells us it is a new account.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client';
import { RequestLoginCodeDocument, VerifyLoginCodeDocument } from '@chatter/client';
import { useAppServices } from '../app/services';
import { describeError, errorCode } from '../apollo/errors';
import { Icon } from '../ui/icons';
import { INVALID_PHONE_MESSAGE, PhoneField, usePhoneState } from '../ui/phone-field';
import { OidcSignIn } from './oidc-sign-in';

type Step = 'phone' | 'code' | 'name';

/** A self-hosted server can hold several tenants: `/?tenant=acme` signs in to that one. */
function tenantFromUrl(): string | undefined {
  return new URLSearchParams(window.location.search).get('tenant') || undefined;
}

export function SignInPage() {
  const { session } = useAppServices();
  const [step, setStep] = useState<Step>('phone');
  const phoneInput = usePhoneState();
  /** The number the code was sent to, in E.164: the one to verify. */
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [resendAt, setResendAt] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [requestCode, requestState] = useMutation(RequestLoginCodeDocument);
  const [verify, verifyState] = useMutation(VerifyLoginCodeDocument);
  const focusRef = useRef<HTMLInputElement>(null);
  const busy = requestState.loading || verifyState.loading;

  useEffect(() => {
    focusRef.current?.focus();
  }, [step]);

  useEffect(() => {
    if (resendAt <= Date.now()) return;
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, [resendAt]);

  const sendCode = async () => {
    setError(null);
    const e164 = step === 'phone' ? phoneInput.toE164() : phone;
    if (!e164) {
      setError(INVALID_PHONE_MESSAGE);
      return;
    }
    try {
      const { data } = await requestCode({
        variables: { phone: e164, tenant: tenantFromUrl() },
      });
      setPhone(e164);
      setResendAt(Date.now() + (data?.requestLoginCode.resendAfterSeconds ?? 30) * 1_000);
      setNow(Date.now());
      setCode('');
      setStep('code');
    } catch (e) {
      setError(describeError(e));
    }
  };

  const submitVerify = async (withName?: string) => {
    setError(null);
    try {
      const { data } = await verify({
        variables: {
          phone,
          code: code.trim(),
          name: withName?.trim() || undefined,
          tenant: tenantFromUrl(),
        },
      });
      if (data) session.accept(data.verifyLoginCode);
    } catch (e) {
      if (errorCode(e) === 'NAME_REQUIRED') {
        setStep('name');
        return;
      }
      setError(describeError(e));
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (step === 'phone') void sendCode();
    else if (step === 'code') void submitVerify();
    else void submitVerify(name);
  };

  const resendIn = Math.max(0, Math.ceil((resendAt - now) / 1_000));

  return (
    <main className="sign-in">
      <form
        className="sign-in__card"
        onSubmit={onSubmit}
        aria-labelledby="sign-in-title"
        noValidate
      >
        <div className="sign-in__logo" aria-hidden="true">
          <Icon name="chat" size={28} />
        </div>
        <h1 id="sign-in-title">{step === 'name' ? 'Welcome to Chatter' : 'Sign in to Chatter'}</h1>
        {step === 'phone' && (
          <>
            <p className="muted">Enter your phone number. We will send you a one-time code.</p>
            <PhoneField phone={phoneInput} label="Phone number" inputRef={focusRef} />
          </>
        )}
        {step === 'code' && (
          <>
            <p className="muted">
              We sent a code to <strong>{phoneInput.text}</strong>.{' '}
              <button type="button" className="link" onClick={() => setStep('phone')}>
                Change number
              </button>
            </p>
            <label className="field">
              <span>Login code</span>
              <input
                ref={focusRef}
                inputMode="numeric"
                autoComplete="one-time-code"
                placeholder="123456"
                value={code}
                onChange={(e) => setCode(e.target.value.replace(/\s/g, ''))}
                required
              />
            </label>
          </>
        )}
        {step === 'name' && (
          <>
            <p className="muted">This number is new here. What should people call you?</p>
            <label className="field">
              <span>Your name</span>
              <input
                ref={focusRef}
                autoComplete="name"
                placeholder="Ada Lovelace"
                value={name}
                maxLength={64}
                onChange={(e) => setName(e.target.value)}
                required
              />
            </label>
          </>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button
          className="button button--primary button--block"
          type="submit"
          disabled={
            busy ||
            (step === 'phone' ? !phoneInput.text.trim() : step === 'code' ? !code : !name.trim())
          }
        >
          {busy
            ? 'Please wait…'
            : step === 'phone'
              ? 'Send code'
              : step === 'code'
                ? 'Sign in'
                : 'Create account'}
        </button>
        {step === 'code' && (
          <button
            type="button"
            className="button button--ghost button--block"
            disabled={busy || resendIn > 0}
            onClick={() => void sendCode()}
          >
            {resendIn > 0 ? `Resend code in ${resendIn} s` : 'Resend code'}
          </button>
        )}
        {step === 'phone' && <OidcSignIn tenant={tenantFromUrl()} />}
      </form>
    </main>
  );
}
