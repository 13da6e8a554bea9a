// Tenant safety settings: the word filter, message retention, who may create channels and which
// kinds of file members may share.
import type { FormEvent } from 'react';
import type { ChannelCreationPolicy, WordFilterMode } from '@chatter/client';
import { useTenantSafetyForm, wordsOf } from './use-tenant-safety-form';
import { FileSharingFieldset } from './file-sharing-fieldset';

const MODES: { value: WordFilterMode; label: string; hint: string }[] = [
  { value: 'OFF', label: 'Off', hint: 'Messages are not checked.' },
  {
    value: 'MASK',
    label: 'Mask',
    hint: 'Each character of a listed word is replaced by *.',
  },
  {
    value: 'BLOCK',
    label: 'Block',
    hint: 'Messages and titles with a listed word are refused.',
  },
];

const CHANNEL_POLICIES: { value: ChannelCreationPolicy; label: string }[] = [
  { value: 'EVERYONE', label: 'Everyone' },
  { value: 'ADMINS', label: 'Owners and admins only' },
];

export function TenantSettings() {
  const form = useTenantSafetyForm();
  const { draft } = form;
  if (form.loadError)
    return (
      <p className="form-error" role="alert">
        {form.loadError}
      </p>
    );
  if (!draft) return <p className="muted">Loading…</p>;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void form.submit();
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-label="Tenant settings">
      <fieldset className="card stack">
        <legend className="section-title">Word filter</legend>
        {MODES.map((m) => (
          <label key={m.value} className="radio-row">
            <input
              type="radio"
              name="word-filter-mode"
              checked={draft.wordFilterMode === m.value}
              onChange={() => form.update({ wordFilterMode: m.value })}
            />
            <span>
              <strong>{m.label}</strong>
              <span className="muted">{m.hint}</span>
            </span>
          </label>
        ))}
        <label className="field">
          <span>Words and phrases, one per line</span>
          <textarea
            rows={6}
            value={draft.words}
            onChange={(e) => form.update({ words: e.target.value })}
            aria-describedby="filter-words-hint"
          />
        </label>
        <p className="muted" id="filter-words-hint">
          {wordsOf(draft.words).length} of 500. Matching ignores case and accents and looks for
          whole words (anywhere in Chinese, Japanese, Korean, Thai and similar scripts).
        </p>
      </fieldset>
      <fieldset className="card stack">
        <legend className="section-title">Message retention</legend>
        <label className="field">
          <span>Delete messages older than (days)</span>
          <input
            type="number"
            min={0}
            max={36500}
            inputMode="numeric"
            placeholder="Keep forever"
            value={draft.retentionDays}
            onChange={(e) => form.update({ retentionDays: e.target.value })}
          />
        </label>
        <p className="muted">Empty or 0 keeps messages. Their attachments are deleted with them.</p>
      </fieldset>
      <fieldset className="card stack">
        <legend className="section-title">Who can create channels</legend>
        {CHANNEL_POLICIES.map((p) => (
          <label key={p.value} className="radio-row">
            <input
              type="radio"
              name="channel-creation"
              checked={draft.channelCreation === p.value}
              onChange={() => form.update({ channelCreation: p.value })}
            />
            <span>
              <strong>{p.label}</strong>
            </span>
          </label>
        ))}
      </fieldset>
      <FileSharingFieldset
        kinds={draft.allowedAttachmentKinds}
        onChange={(allowedAttachmentKinds) => form.update({ allowedAttachmentKinds })}
      />
      <div className="report-group__actions">
        <button className="button button--primary" type="submit" disabled={form.saving}>
          Save settings
        </button>
        {form.status && (
          <p className={form.status.ok ? 'muted' : 'form-error'} role="status">
            {form.status.text}
          </p>
        )}
      </div>
    </form>
  );
}
