// Read marking: when the end of the history is on screen in a visible tab, the conversation is
// marked read up to its newest message (after a short settle, optimistic in the cache).
import { useEffect, useMemo, type RefObject } from 'react';
import { useMutation } from '@apollo/client';
import {
  MarkReadDocument,
  type ConversationFieldsFragment,
  type MessageFieldsFragment,
} from '@chatter/client';

const SETTLE_MS = 300;

/** The seq of the newest message someone else sent, 0 when there is none. What decides whether
 *  there is something to mark: my own messages do not move my read pointer (only markRead does,
 *  on the server too), so a reply sent right after a message arrived still marks that message. */
export function newestFromOthers(
  messages: readonly Pick<MessageFieldsFragment, 'seq' | 'sender'>[],
  myUserId: string,
): number {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.sender.id !== myUserId) return messages[i]!.seq;
  return 0;
}

export function useMarkRead({
  conversation,
  messages,
  myUserId,
  scroller,
  atBottom,
}: {
  conversation: Pick<ConversationFieldsFragment, 'id' | 'readSeq' | 'viewerIsMember'>;
  messages: readonly MessageFieldsFragment[];
  myUserId: string;
  scroller: RefObject<HTMLElement | null>;
  atBottom: RefObject<boolean>;
}): void {
  const [markRead] = useMutation(MarkReadDocument);
  const conversationId = conversation.id;
  const readUpTo = messages[messages.length - 1]?.seq ?? 0;
  const newest = useMemo(() => newestFromOthers(messages, myUserId), [messages, myUserId]);
  useEffect(() => {
    if (!newest || newest <= conversation.readSeq) return;
    if (!conversation.viewerIsMember) return; // read-only: no read pointer any more
    let t: ReturnType<typeof setTimeout> | null = null;
    const tryMark = () => {
      if (document.visibilityState !== 'visible' || !atBottom.current) return;
      if (t) clearTimeout(t);
      t = setTimeout(() => {
        void markRead({
          variables: { conversationId, seq: readUpTo },
          optimisticResponse: {
            markRead: {
              __typename: 'Conversation',
              id: conversationId,
              readSeq: readUpTo,
              unreadCount: 0,
            },
          },
        }).catch(() => undefined);
      }, SETTLE_MS);
    };
    tryMark();
    const el = scroller.current;
    el?.addEventListener('scroll', tryMark, { passive: true });
    document.addEventListener('visibilitychange', tryMark);
    return () => {
      if (t) clearTimeout(t);
      el?.removeEventListener('scroll', tryMark);
      document.removeEventListener('visibilitychange', tryMark);
    };
  }, [
    readUpTo,
    newest,
    conversation.readSeq,
    conversation.viewerIsMember,
    conversationId,
    markRead,
    scroller,
    atBottom,
  ]);
}
