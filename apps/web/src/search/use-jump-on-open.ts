// Opening a conversation at a message (a search result from the chat list): once the history
// is there, bring the message into view, then drop the message from the address so a reload
// or a later visit opens the conversation at its end as usual.
import { useEffect, type RefObject } from 'react';
import type { MessageListHandle } from '../conversation/message-list';

const TRIES = 40;
const WAIT_MS = 150;

export function useJumpOnOpen(
  conversationId: string,
  jump: { messageId: string; seq: number } | undefined,
  list: RefObject<MessageListHandle | null>,
): void {
  const messageId = jump?.messageId;
  const seq = jump?.seq;
  useEffect(() => {
    if (!messageId || !seq) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = async (left: number) => {
      if (cancelled) return;
      // Until the first page is in, jumpTo has nothing to page back from: try again shortly.
      if (list.current) await list.current.jumpTo(messageId, seq).catch(() => undefined);
      if (cancelled) return;
      if (document.getElementById(`msg-${messageId}`) || left <= 0) {
        const { hash } = window.location;
        window.history.replaceState(null, '', hash.replace(/\/m\/[^/]+\/\d+$/, ''));
        return;
      }
      timer = setTimeout(() => void attempt(left - 1), WAIT_MS);
    };
    void attempt(TRIES);
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [conversationId, messageId, seq, list]);
}
