// Which kinds of file the tenant's members may share: one checkbox per kind, none for "off".
import type { AttachmentKind } from '@chatter/client';

const KINDS: { value: AttachmentKind; label: string; hint: string }[] = [
  { value: 'IMAGE', label: 'Photos', hint: 'JPEG, PNG, GIF, WebP and AVIF pictures.' },
  { value: 'AUDIO', label: 'Voice notes and audio', hint: 'Recorded voice notes and audio files.' },
  { value: 'VIDEO', label: 'Videos', hint: 'MP4, WebM, Ogg and QuickTime videos.' },
  { value: 'FILE', label: 'Other files', hint: 'Documents and anything else, as downloads.' },
];

/** Adds or removes `kind`, keeping the order of the list above. */
export function toggleKind(
  kinds: readonly AttachmentKind[],
  kind: AttachmentKind,
  on: boolean,
): AttachmentKind[] {
  return KINDS.map((k) => k.value).filter((k) => (k === kind ? on : kinds.includes(k)));
}

export function FileSharingFieldset({
  kinds,
  onChange,
}: {
  kinds: readonly AttachmentKind[];
  onChange: (kinds: AttachmentKind[]) => void;
}) {
  return (
    <fieldset className="card stack">
      <legend className="section-title">Files members can share</legend>
      {KINDS.map((k) => (
        <label key={k.value} className="radio-row">
          <input
            type="checkbox"
            checked={kinds.includes(k.value)}
            onChange={(e) => onChange(toggleKind(kinds, k.value, e.target.checked))}
          />
          <span>
            <strong>{k.label}</strong>
            <span className="muted">{k.hint}</span>
          </span>
        </label>
      ))}
      <p className="muted">
        {kinds.length === 0
          ? 'File sharing is off. Files already sent stay.'
          : 'Other kinds are refused when someone attaches them. Files already sent stay.'}
      </p>
    </fieldset>
  );
}
