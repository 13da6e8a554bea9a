/** "Not sent: <reason>." with exactly one full stop, whatever the reason ends with. */
export function notSentText(reason: string | undefined): string {
  const text = reason?.trim().replace(/\.+$/, '');
  if (!text) return 'Not sent.';
  return `Not sent: ${text}${/[!?…]$/.test(text) ? '' : '.'}`;
}
