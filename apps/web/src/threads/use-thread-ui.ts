// The conversation view's thread state: which side pane is open (a thread or my stars) and which
// message is being forwarded.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApolloCache } from '@apollo/client';
import { MessageFieldsFragmentDoc, type MessageFieldsFragment } from '@chatter/client';
import type { ThreadUi } from './thread-ui-context';

export function useThreadUi(cache: ApolloCache<unknown>, conversationId: string) {
  const [side, setSide] = useState<'thread' | 'starred' | null>(null);
  const [root, setRoot] = useState<MessageFieldsFragment | null>(null);
  const [forwarding, setForwarding] = useState<MessageFieldsFragment | null>(null);
  // Another conversation: its threads are not this one's.
  useEffect(() => {
    setSide(null);
    setRoot(null);
    setForwarding(null);
  }, [conversationId]);
  const ui = useMemo<ThreadUi>(
    () => ({
      openThread: (rootId) => {
        const m = cache.readFragment<MessageFieldsFragment>({
          id: cache.identify({ __typename: 'Message', id: rootId }),
          fragment: MessageFieldsFragmentDoc,
          fragmentName: 'MessageFields',
        });
        if (!m) return;
        setRoot(m);
        setSide('thread');
      },
      forward: (m) => setForwarding(m),
    }),
    [cache],
  );
  const close = useCallback(() => setSide(null), []);
  const closeForward = useCallback(() => setForwarding(null), []);
  const toggleStarred = useCallback(() => setSide((s) => (s === 'starred' ? null : 'starred')), []);
  return { ui, side, root, forwarding, close, closeForward, toggleStarred };
}
