// Jumping to a message (a quoted reply, a search result): older pages load until the message
// is in the history (bounded), then it is brought into view, focused and briefly highlighted.
import { useCallback, useState } from 'react';
import type { MessagesQuery } from '@chatter/client';

const MAX_PAGES = 40;
const JUMP_PAGE = 50;
const HIGHLIGHT_MS = 2_000;

export function useJumpTo({
  data,
  loadPage,
  holdPosition,
}: {
  data: MessagesQuery | undefined;
  /** Fetches `last` messages before `before` and answers with that page. */
  loadPage: (before: number, last: number) => Promise<{ data?: MessagesQuery | null }>;
  holdPosition: () => void;
}) {
  const [highlight, setHighlight] = useState<string | null>(null);
  const jumpTo = useCallback(
    async (messageId: string, seq: number) => {
      let guard = MAX_PAGES;
      let current = data;
      while (
        guard-- > 0 &&
        current &&
        (current.messages.edges[0]?.node.seq ?? 0) > seq &&
        current.messages.pageInfo.hasPreviousPage
      ) {
        holdPosition();
        const res = await loadPage(current.messages.edges[0]!.node.seq, JUMP_PAGE);
        current =
          res.data && res.data.messages.edges.length
            ? { messages: { ...res.data.messages, edges: [...res.data.messages.edges] } }
            : undefined;
      }
      requestAnimationFrame(() => {
        const node = document.getElementById(`msg-${messageId}`);
        node?.scrollIntoView({ block: 'center', behavior: 'smooth' });
        node?.querySelector<HTMLElement>('.msg__bubble')?.focus({ preventScroll: true });
        setHighlight(messageId);
        setTimeout(() => setHighlight((h) => (h === messageId ? null : h)), HIGHLIGHT_MS);
      });
    },
    [data, loadPage, holdPosition],
  );
  return { jumpTo, highlight };
}
