// Human time formats: "14:05", "Yesterday", "Mon", "3 Mar"; "last seen 5 min ago".
const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDay = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
});
const longDayYear = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

const DAY = 86_400_000;

export function formatTime(iso: string): string {
  return time.format(new Date(iso));
}

export function formatListTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const days = Math.round((startOfDay(now) - startOfDay(d)) / DAY);
  if (days <= 0) return time.format(d);
  if (days === 1) return 'Yesterday';
  if (days < 7) return weekday.format(d);
  return shortDate.format(d);
}

export function formatDay(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const days = Math.round((startOfDay(now) - startOfDay(d)) / DAY);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (d.getFullYear() === now.getFullYear()) return longDay.format(d);
  return longDayYear.format(d);
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function formatLastSeen(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'last seen a while ago';
  const diff = Math.max(0, now - Date.parse(iso));
  const min = Math.round(diff / 60_000);
  if (min < 1) return 'last seen just now';
  if (min < 60) return `last seen ${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `last seen ${h} h ago`;
  return `last seen ${formatListTime(iso)}`;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The first `n` user-perceived characters: an emoji or accented letter is never cut in half. */
function leading(text: string, n: number): string {
  let out = '';
  let taken = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (taken++ === n) break;
    out += segment;
  }
  return out;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters =
    parts.length > 1
      ? leading(parts[0], 1) + leading(parts[parts.length - 1], 1)
      : leading(parts[0] ?? '?', 2);
  return letters.toUpperCase();
}
