// The loaded history of one conversation: the newest page first, older pages on demand.
import { useMemo } from 'react';
import { useQuery } from '@apollo/client';
import { MessagesDocument } from '@chatter/client';

export const PAGE_SIZE = 30;

export function useMessageHistory(conversationId: string) {
  const { data, loading, error, fetchMore, refetch } = useQuery(MessagesDocument, {
    variables: { conversationId, last: PAGE_SIZE },
    notifyOnNetworkStatusChange: false,
  });
  const messages = useMemo(() => data?.messages.edges.map((e) => e.node) ?? [], [data]);
  return {
    data,
    messages,
    hasOlder: Boolean(data?.messages.pageInfo.hasPreviousPage),
    firstSeq: messages[0]?.seq ?? 0,
    lastSeq: messages[messages.length - 1]?.seq ?? 0,
    loading,
    error,
    fetchMore,
    refetch,
  };
}
