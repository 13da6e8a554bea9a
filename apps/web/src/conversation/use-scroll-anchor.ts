// Scrolling the history: the reading position stays put when older pages are prepended, the end
// is followed while the reader is there (or sent something), and otherwise new messages from
// others are counted for the "jump to latest" button. Near the top, the next older page loads.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { MessageFieldsFragment } from '@chatter/client';

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 80;
/** Closer than this to the top loads the next older page. */
const LOAD_OLDER_AT = 300;

interface Options {
  messages: readonly MessageFieldsFragment[];
  myUserId: string;
  pendingCount: number;
  typingCount: number;
  hasOlder: boolean;
  /** Fetches the page before `seq` into the history. */
  loadPage: (before: number) => Promise<unknown>;
}

export function useScrollAnchor({
  messages,
  myUserId,
  pendingCount,
  typingCount,
  hasOlder,
  loadPage,
}: Options) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<number | null>(null);
  const loadingOlder = useRef(false);
  const prev = useRef({ first: 0, last: 0, pending: 0, ready: false });
  const [unseen, setUnseen] = useState(0);
  const [showJump, setShowJump] = useState(false);

  const firstSeq = messages[0]?.seq ?? 0;
  const lastSeq = messages[messages.length - 1]?.seq ?? 0;
  const lastIsMine = messages[messages.length - 1]?.sender.id === myUserId;

  /** Call before history is prepended: the next render keeps the same content on screen. */
  const holdPosition = useCallback(() => {
    const el = scroller.current;
    if (el) anchor.current = el.scrollHeight - el.scrollTop;
  }, []);

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setUnseen(0);
    setShowJump(false);
  }, []);

  const loadOlder = useCallback(async () => {
    if (!scroller.current || loadingOlder.current || !hasOlder || !firstSeq) return;
    loadingOlder.current = true;
    holdPosition();
    try {
      await loadPage(firstSeq);
    } catch {
      anchor.current = null;
    } finally {
      loadingOlder.current = false;
    }
  }, [loadPage, hasOlder, firstSeq, holdPosition]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const p = prev.current;
    if (!p.ready && messages.length) {
      el.scrollTop = el.scrollHeight;
      prev.current = { first: firstSeq, last: lastSeq, pending: pendingCount, ready: true };
      return;
    }
    if (anchor.current !== null && firstSeq < p.first) {
      el.scrollTop = el.scrollHeight - anchor.current;
      anchor.current = null;
    } else if (lastSeq > p.last || pendingCount > p.pending) {
      if (atBottom.current || lastIsMine || pendingCount > p.pending)
        el.scrollTop = el.scrollHeight;
      else
        setUnseen(
          (n) => n + messages.filter((m) => m.seq > p.last && m.sender.id !== myUserId).length,
        );
    }
    prev.current = {
      first: firstSeq,
      last: lastSeq,
      pending: pendingCount,
      ready: p.ready || messages.length > 0,
    };
  }, [messages, firstSeq, lastSeq, pendingCount, lastIsMine, myUserId]);

  // Also follow the typing indicator when at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [typingCount]);

  // A short history that does not fill the screen cannot be scrolled: load more right away.
  useEffect(() => {
    const el = scroller.current;
    if (el && hasOlder && el.scrollHeight <= el.clientHeight + 40) void loadOlder();
  }, [hasOlder, loadOlder, messages.length]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    atBottom.current = bottom;
    if (bottom) setUnseen(0);
    setShowJump(!bottom);
    if (el.scrollTop < LOAD_OLDER_AT) void loadOlder();
  };

  return { scroller, atBottom, onScroll, unseen, showJump, scrollToBottom, holdPosition };
}
