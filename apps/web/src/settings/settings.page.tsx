import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  MeDocument,
  UpdateProfileDocument,
  type PresencePrivacy,
  type UpdateProfileInput,
} from '@chatter/client';
import { useChat } from '../app/services';
import { useTheme, type ThemeChoice } from '../app/theme';
import { Page } from '../ui/page';
import { Avatar } from '../ui/avatar';
import { Icon } from '../ui/icons';
import { describeError } from '../apollo/errors';
import { NotificationSettingsSection } from '../notifications/notification-settings-section';
import { AdminEntry } from '../admin/admin-entry';
import { LinkedAccountsSection } from './linked-accounts-section';

const PRIVACY: { value: PresencePrivacy; label: string; hint: string }[] = [
  { value: 'EVERYONE', label: 'Everyone', hint: 'Anyone you chat with sees when you are online.' },
  {
    value: 'CONTACTS',
    label: 'My contacts',
    hint: 'Only your contacts see your online status and last seen.',
  },
  { value: 'NOBODY', label: 'Nobody', hint: 'Nobody sees your online status or last seen.' },
];

const STATUS_EMOJI = ['', '💬', '🏖️', '🤒', '🎧', '🚗', '🍽️', '🎉'];

export function SettingsPage() {
  const { session, outbox } = useChat();
  const { data } = useQuery(MeDocument);
  const me = data?.me;
  const [update, { loading }] = useMutation(UpdateProfileDocument);
  const [name, setName] = useState('');
  const [statusText, setStatusText] = useState('');
  const [statusEmoji, setStatusEmoji] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [theme, setTheme] = useTheme();

  useEffect(() => {
    if (!me) return;
    setName(me.name);
    setStatusText(me.statusText ?? '');
    setStatusEmoji(me.statusEmoji ?? '');
  }, [me]);

  const save = async (input: UpdateProfileInput) => {
    setError(null);
    setNotice(null);
    try {
      await update({ variables: { input } });
      setNotice('Saved.');
    } catch (e) {
      setError(describeError(e));
    }
  };

  const onProfile = (e: FormEvent) => {
    e.preventDefault();
    void save({
      name: name.trim(),
      statusText: statusText.trim() || null,
      statusEmoji: statusEmoji || null,
    });
  };

  const signOut = async () => {
    if (
      outbox.size &&
      !window.confirm('Some messages are not sent yet. Sign out anyway? They will be lost.')
    )
      return;
    outbox.clear();
    await session.signOut();
  };

  return (
    <Page title="Settings">
      {me && (
        <div className="profile-card profile-card--row">
          <Avatar name={me.name} seed={me.id} url={me.avatarUrl} size={56} />
          <div>
            <h3>{me.name}</h3>
            <p className="muted">{me.phone}</p>
          </div>
        </div>
      )}
      <form className="stack card" onSubmit={onProfile}>
        <h3 className="section-title">Profile</h3>
        <label className="field">
          <span>Name</span>
          <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} required />
        </label>
        <div className="field">
          <span id="status-label">Status</span>
          <div className="status-row">
            <select
              aria-label="Status emoji"
              value={statusEmoji}
              onChange={(e) => setStatusEmoji(e.target.value)}
            >
              {STATUS_EMOJI.map((s) => (
                <option key={s} value={s}>
                  {s || 'No emoji'}
                </option>
              ))}
            </select>
            <input
              aria-labelledby="status-label"
              value={statusText}
              maxLength={100}
              placeholder="What are you up to?"
              onChange={(e) => setStatusText(e.target.value)}
            />
          </div>
        </div>
        <button className="button button--primary" type="submit" disabled={loading || !name.trim()}>
          Save profile
        </button>
      </form>
      <AdminEntry />
      <fieldset className="stack card">
        <legend className="section-title">Who can see when I am online</legend>
        {PRIVACY.map((p) => (
          <label key={p.value} className="radio-row">
            <input
              type="radio"
              name="privacy"
              checked={me?.presencePrivacy === p.value}
              onChange={() => void save({ presencePrivacy: p.value })}
            />
            <span>
              <strong>{p.label}</strong>
              <span className="muted">{p.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="stack card">
        <legend className="section-title">Appearance</legend>
        <div className="segmented" role="radiogroup" aria-label="Theme">
          {(['system', 'light', 'dark'] as ThemeChoice[]).map((t) => (
            <button
              key={t}
              type="button"
              role="radio"
              aria-checked={theme === t}
              className={`segmented__item ${theme === t ? 'segmented__item--on' : ''}`}
              onClick={() => setTheme(t)}
            >
              {t === 'system' ? 'System' : t === 'light' ? 'Light' : 'Dark'}
            </button>
          ))}
        </div>
      </fieldset>
      <NotificationSettingsSection />
      <LinkedAccountsSection />
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
      <button
        type="button"
        className="button button--danger button--block"
        onClick={() => void signOut()}
      >
        <Icon name="logout" size={18} /> Sign out
      </button>
    </Page>
  );
}
