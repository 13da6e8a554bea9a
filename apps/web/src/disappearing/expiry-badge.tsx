import './disappearing.css';
import { timerLabel } from './timer-label';

/** A small timer icon on a disappearing message, with when it goes in its tooltip. */
export function ExpiryBadge({ expiresAt }: { expiresAt: string | null | undefined }) {
  if (!expiresAt) return null;
  const at = new Date(expiresAt);
  const left = Math.max(0, Math.round((at.getTime() - Date.now()) / 1000));
  const label = `Disappears ${at.toLocaleString()}${left > 0 ? ` (in ${timerLabel(left)})` : ''}`;
  return (
    <span className="expiry-badge" role="img" aria-label={label} title={label}>
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
        <circle cx="8" cy="9" r="6" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <path d="M8 5.5V9l2.5 1.5M6 1.5h4" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
    </span>
  );
}
