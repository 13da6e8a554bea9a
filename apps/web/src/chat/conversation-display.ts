import type { ConversationFieldsFragment } from '@chatter/client';

export function conversationTitle(
  c: Pick<ConversationFieldsFragment, 'kind' | 'title' | 'otherUser'>,
): string {
  if (c.kind === 'DIRECT') return c.otherUser?.name ?? c.title ?? 'Direct message';
  return c.title || (c.kind === 'CHANNEL' ? 'Channel' : 'Group');
}

/** Pinned first, then most recent activity. */
export function sortConversations<
  T extends Pick<ConversationFieldsFragment, 'pinned' | 'lastActivityAt'>,
>(list: T[]): T[] {
  return [...list].sort((a, b) =>
    a.pinned !== b.pinned ? (a.pinned ? -1 : 1) : b.lastActivityAt.localeCompare(a.lastActivityAt),
  );
}
