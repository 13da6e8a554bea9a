// The replies of the open thread, kept read while the pane shows them.
import { useEffect, useRef } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { MarkThreadReadDocument, ThreadRepliesDocument } from '@chatter/client';
import { THREAD_PAGE } from '../realtime/cache-writes';

export function useThreadReplies(rootId: string) {
  const query = useQuery(ThreadRepliesDocument, {
    variables: { rootId, first: THREAD_PAGE },
    fetchPolicy: 'cache-and-network',
  });
  const [markRead] = useMutation(MarkThreadReadDocument);
  const replies = query.data?.threadReplies.edges.map((e) => e.node) ?? [];
  const lastSeq = replies[replies.length - 1]?.seq ?? 0;
  const marked = useRef(0);
  useEffect(() => {
    if (lastSeq <= marked.current) return;
    marked.current = lastSeq;
    void markRead({ variables: { rootId, seq: lastSeq } }).catch(() => undefined);
  }, [lastSeq, markRead, rootId]);
  return { replies, loading: query.loading, error: query.error, refetch: query.refetch };
}
