import { useQuery } from '@apollo/client';
import { FormerConversationsDocument, type ConversationFieldsFragment } from '@chatter/client';

const NONE: ConversationFieldsFragment[] = [];

/**
 * Conversations I left or was removed from: they stay in the list, read-only
 * (docs/history-visibility.md), also after a reload.
 */
export function useFormerConversations(): ConversationFieldsFragment[] {
  const { data } = useQuery(FormerConversationsDocument, { fetchPolicy: 'cache-and-network' });
  return data?.formerConversations ?? NONE;
}

/** The list's conversations plus the former ones it does not hold (a re-add lists it again). */
export function withFormer(
  listed: ConversationFieldsFragment[],
  former: ConversationFieldsFragment[],
): ConversationFieldsFragment[] {
  const ids = new Set(listed.map((c) => c.id));
  return [...listed, ...former.filter((c) => !ids.has(c.id) && !c.viewerIsMember)];
}
