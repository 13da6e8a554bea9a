import type { ConversationFieldsFragment, ConversationKind } from '@chatter/client';

export type ViewerExit = NonNullable<ConversationFieldsFragment['viewerExit']>;

/**
 * What a former member's chat says instead of the composer (docs/history-visibility.md):
 * "You were removed from this group by Ada", "You left this channel".
 */
export function exitNoticeText(
  exit: ViewerExit,
  kind: ConversationKind,
  myUserId: string,
): { title: string; detail: string } {
  const where = kind === 'CHANNEL' ? 'this channel' : 'this group';
  const by = exit.by && exit.by.id !== myUserId ? exit.by.name : null;
  const title =
    exit.change === 'LEFT' || (exit.by && exit.by.id === myUserId)
      ? `You left ${where}`
      : by
        ? `You were removed from ${where} by ${by}`
        : `You were removed from ${where}`;
  return {
    title,
    detail: 'You can read the messages up to then, but no longer send any.',
  };
}
