// Messages a person can act on, for the ways a call fails before or while it connects.

/** Why getUserMedia refused, in words; `media` says what was asked for. */
export function mediaErrorText(error: unknown, video: boolean): string {
  const name = (error as { name?: string } | null)?.name ?? '';
  const what = video ? 'microphone and camera' : 'microphone';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Chatter may not use your ${what}: allow access in the browser's site settings, then try again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found on this device.`;
    case 'NotReadableError':
      return `Your ${what} is in use by another application.`;
    default:
      return `Could not start your ${what}.`;
  }
}

/** ICE failed: the two devices found no path to each other. */
export function connectFailureText(turnConfigured: boolean): string {
  return turnConfigured
    ? 'Could not connect: the relay (TURN) server could not be reached.'
    : 'Could not connect: no TURN server configured, so calls work only when both devices can reach each other directly.';
}

/** What the other side sees when a call ends, by reason. */
export function endedText(reason: string | null): string {
  const texts: Record<string, string> = {
    DECLINED: 'Call declined',
    MISSED: 'No answer',
    CANCELLED: 'Call cancelled',
    FAILED: 'Call failed',
    BLOCKED: 'Call not possible',
  };
  return (reason && texts[reason]) || 'Call ended';
}

/** A call's length as m:ss (or h:mm:ss). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
