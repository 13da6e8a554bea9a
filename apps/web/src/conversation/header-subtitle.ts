/**
 * The header line under a group's or channel's title: how many members, "channel", and its
 * topic (the first line of its description) so people see what the room is about without opening
 * Details. Plain text: React escapes it; a long topic is cut by CSS with an ellipsis.
 */
export function groupSubtitle(c: {
  kind: 'DIRECT' | 'GROUP' | 'CHANNEL';
  memberCount: number;
  description?: string | null;
}): string {
  const parts = [`${c.memberCount} ${c.memberCount === 1 ? 'member' : 'members'}`];
  if (c.kind === 'CHANNEL') parts.push('channel');
  const topic = (c.description ?? '')
    .trim()
    .split(/\r\n|[\n\r\u2028\u2029]/)[0]
    ?.trim();
  if (topic) parts.push(topic);
  return parts.join(' · ');
}
