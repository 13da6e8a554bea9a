import { initials } from './format';

type Status = 'ONLINE' | 'AWAY' | 'OFFLINE';

const HUES = [12, 36, 150, 190, 220, 262, 292, 330];

function hueOf(seed: string): number {
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return HUES[h % HUES.length];
}

export function Avatar({
  name,
  seed,
  url,
  size = 40,
  status,
  kind = 'DIRECT',
}: {
  name: string;
  seed: string;
  url?: string | null;
  size?: number;
  status?: Status | null;
  /** Groups show their initials and channels a "#", both on a rounded square (people are round). */
  kind?: 'DIRECT' | 'GROUP' | 'CHANNEL';
}) {
  return (
    <span
      className={`avatar ${kind === 'DIRECT' ? '' : `avatar--${kind.toLowerCase()}`}`}
      style={{ width: size, height: size, ['--hue' as string]: hueOf(seed) }}
      aria-hidden="true"
    >
      {url ? (
        <img src={url} alt="" />
      ) : (
        // Drawn by CSS from the attribute: decorative, and not text that a control's accessible
        // name would have to contain (a link named "Profile and settings" showing "AL").
        <span
          className="avatar__text"
          style={{ fontSize: size * 0.38 }}
          data-initials={kind === 'CHANNEL' ? '#' : initials(name)}
        />
      )}
      {status && status !== 'OFFLINE' ? (
        <span className={`presence-dot presence-dot--${status.toLowerCase()}`} />
      ) : null}
    </span>
  );
}
