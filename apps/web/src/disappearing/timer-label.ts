/** "1 hour", "7 days", "90 days", "30 seconds": a disappearing-message timer in words. */
export function timerLabel(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, word] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${word}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

/** The timeline line of a timer change, from the viewer's side ("You turned on …"). */
export function disappearingNotice(actor: string, seconds: number | null | undefined): string {
  return seconds
    ? `${actor} turned on disappearing messages (${timerLabel(seconds)})`
    : `${actor} turned off disappearing messages`;
}
