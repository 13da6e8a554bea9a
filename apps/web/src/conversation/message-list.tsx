// The scrolling history: loads older pages when scrolled to the top (keeping the reading
// position), follows new messages when at the bottom, offers "jump to latest" otherwise,
// and marks the conversation read when its end is on screen.
import { deliveryCounts, deliveryLine, tickFor } from './delivery-state';
import {
  forwardRef,
  Fragment,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  MarkReadDocument,
  MessagesDocument,
  type ConversationFieldsFragment,
  type MessageFieldsFragment,
} from '@chatter/client';
import { useChat } from '../app/services';
import { dayKey, formatDay, formatTime } from '../ui/format';
import { Icon } from '../ui/icons';
import { MessageBubble } from './message-bubble';
import type { PendingMessage } from '../outbox/outbox';
import { typingText, useTypingNames } from '../chat/use-typing';
import { notSentText } from './not-sent-text';
import { NoticeLine } from '../notices/notice-line';
import { noticesBetween, useNotices } from '../notices/use-notices';

export const PAGE_SIZE = 30;
const GROUP_WINDOW_MS = 5 * 60_000;

export interface MessageListHandle {
  jumpTo: (messageId: string, seq: number) => Promise<void>;
  scrollToBottom: () => void;
}

interface Props {
  conversation: ConversationFieldsFragment;
  onReply: (m: MessageFieldsFragment) => void;
  onEdit: (m: MessageFieldsFragment) => void;
}

export const MessageList = forwardRef<MessageListHandle, Props>(function MessageList(
  { conversation, onReply, onEdit },
  ref,
) {
  const { myUserId, outbox, realtime } = useChat();
  const conversationId = conversation.id;
  const { data, loading, error, fetchMore, refetch } = useQuery(MessagesDocument, {
    variables: { conversationId, last: PAGE_SIZE },
    notifyOnNetworkStatusChange: false,
  });
  const messages = useMemo(() => data?.messages.edges.map((e) => e.node) ?? [], [data]);
  const hasOlder = Boolean(data?.messages.pageInfo.hasPreviousPage);
  const [markRead] = useMutation(MarkReadDocument);

  const pendingAll = useSyncExternalStore(
    useCallback((cb: () => void) => outbox.subscribe(cb), [outbox]),
    () => outbox.list(),
  );
  const pending = useMemo(() => {
    const sent = new Set(messages.map((m) => m.clientMessageId).filter(Boolean));
    return pendingAll.filter(
      (p) => p.conversationId === conversationId && !sent.has(p.clientMessageId),
    );
  }, [pendingAll, messages, conversationId]);

  useSyncExternalStore(realtime.receipts.subscribe, realtime.receipts.getVersion);
  const typing = useTypingNames(conversationId);

  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<number | null>(null);
  const loadingOlder = useRef(false);
  const prev = useRef({ first: 0, last: 0, pending: 0, ready: false });
  const [unseen, setUnseen] = useState(0);
  const [showJump, setShowJump] = useState(false);
  const [highlight, setHighlight] = useState<string | null>(null);

  const firstSeq = messages[0]?.seq ?? 0;
  const lastSeq = messages[messages.length - 1]?.seq ?? 0;
  const lastIsMine = messages[messages.length - 1]?.sender.id === myUserId;
  // Timeline lines (membership, title and setting changes) for the loaded range.
  const notices = useNotices(
    conversation,
    loading && !data ? null : hasOlder ? firstSeq : 0,
    lastSeq,
  );
  const line = (n: (typeof notices)[number]) => (
    <NoticeLine key={n.id} notice={n} myUserId={myUserId} kind={conversation.kind} />
  );

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setUnseen(0);
    setShowJump(false);
  }, []);

  const loadOlder = useCallback(async () => {
    const el = scroller.current;
    if (!el || loadingOlder.current || !hasOlder || !firstSeq) return;
    loadingOlder.current = true;
    anchor.current = el.scrollHeight - el.scrollTop;
    try {
      await fetchMore({ variables: { before: firstSeq, last: PAGE_SIZE } });
    } catch {
      anchor.current = null;
    } finally {
      loadingOlder.current = false;
    }
  }, [fetchMore, hasOlder, firstSeq]);

  // Keep the position stable when history is prepended; follow the end when new messages come.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const p = prev.current;
    if (!p.ready && messages.length) {
      el.scrollTop = el.scrollHeight;
      prev.current = { first: firstSeq, last: lastSeq, pending: pending.length, ready: true };
      return;
    }
    if (anchor.current !== null && firstSeq < p.first) {
      el.scrollTop = el.scrollHeight - anchor.current;
      anchor.current = null;
    } else if (lastSeq > p.last || pending.length > p.pending) {
      if (atBottom.current || lastIsMine || pending.length > p.pending)
        el.scrollTop = el.scrollHeight;
      else
        setUnseen(
          (n) => n + messages.filter((m) => m.seq > p.last && m.sender.id !== myUserId).length,
        );
    }
    prev.current = {
      first: firstSeq,
      last: lastSeq,
      pending: pending.length,
      ready: p.ready || messages.length > 0,
    };
  }, [messages, firstSeq, lastSeq, pending.length, lastIsMine, myUserId]);

  // Also follow the typing indicator when at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [typing.length]);

  // A short history that does not fill the screen cannot be scrolled: load more right away.
  useEffect(() => {
    const el = scroller.current;
    if (el && hasOlder && el.scrollHeight <= el.clientHeight + 40) void loadOlder();
  }, [hasOlder, loadOlder, messages.length]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    atBottom.current = bottom;
    if (bottom) setUnseen(0);
    setShowJump(!bottom);
    if (el.scrollTop < 300) void loadOlder();
  };

  // Keyboard: the list is one Tab stop. ArrowUp/ArrowDown (Home/End) move between messages;
  // Enter or ArrowRight goes into a message's buttons (quote, actions, reactions), ArrowLeft and
  // ArrowRight move among them and Escape comes back to the message.
  const listEl = useRef<HTMLDivElement>(null);
  const activeBubble = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    const bubbles = [...(listEl.current?.querySelectorAll<HTMLElement>('.msg__bubble') ?? [])];
    if (!bubbles.length) return;
    const active =
      activeBubble.current && bubbles.includes(activeBubble.current)
        ? activeBubble.current
        : bubbles[bubbles.length - 1]!;
    for (const b of bubbles) b.tabIndex = b === active ? 0 : -1;
  });
  const onListFocus = (e: React.FocusEvent<HTMLDivElement>) => {
    const bubble = (e.target as HTMLElement).closest<HTMLElement>('.msg__bubble');
    if (!bubble || bubble === activeBubble.current) return;
    if (activeBubble.current) activeBubble.current.tabIndex = -1;
    bubble.tabIndex = 0;
    activeBubble.current = bubble;
  };
  const onListKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (target.closest('[role="menu"]')) return;
    const msg = target.closest<HTMLElement>('.msg');
    if (!msg) return;
    const bubble = msg.querySelector<HTMLElement>('.msg__bubble');
    const bubbles = [...e.currentTarget.querySelectorAll<HTMLElement>('.msg__bubble')];
    const inner = [...msg.querySelectorAll<HTMLElement>('button:not([role="menuitem"])')];
    const onBubble = target === bubble;
    let next: HTMLElement | undefined;
    switch (e.key) {
      case 'ArrowUp':
      case 'ArrowDown': {
        const i = bubbles.indexOf(bubble!);
        next =
          bubbles[Math.max(0, Math.min(bubbles.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
        break;
      }
      case 'Home':
      case 'End':
        if (!onBubble) return;
        next = e.key === 'Home' ? bubbles[0] : bubbles[bubbles.length - 1];
        break;
      case 'Enter':
        if (!onBubble) return;
        next = inner[0];
        break;
      case 'ArrowRight':
      case 'ArrowLeft': {
        if (onBubble) {
          if (e.key === 'ArrowLeft') return;
          next = inner[0];
        } else {
          const i = inner.indexOf(target);
          next = inner[(i + (e.key === 'ArrowRight' ? 1 : -1) + inner.length) % inner.length];
        }
        break;
      }
      case 'Escape':
        if (onBubble) return;
        next = bubble ?? undefined;
        break;
      default:
        return;
    }
    if (!next) return;
    e.preventDefault();
    next.focus();
    if (next.classList.contains('msg__bubble')) next.scrollIntoView({ block: 'nearest' });
  };

  // Read: when the newest message is visible in a visible tab. What decides is the newest message
  // from someone else: my own messages do not move my read pointer (only markRead does, on the
  // server too), so a reply sent right after a message arrived still marks that message read.
  const readUpTo = lastSeq;
  const newestFromOthers = useMemo(() => {
    for (let i = messages.length - 1; i >= 0; i--)
      if (messages[i].sender.id !== myUserId) return messages[i].seq;
    return 0;
  }, [messages, myUserId]);
  useEffect(() => {
    if (!newestFromOthers || newestFromOthers <= conversation.readSeq) return;
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
      }, 300);
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
  }, [readUpTo, newestFromOthers, conversation.readSeq, conversationId, markRead]);

  const jumpTo = useCallback(
    async (messageId: string, seq: number) => {
      // Load older pages until the message is in the list (bounded), then bring it into view.
      let guard = 40;
      let current = data;
      while (
        guard-- > 0 &&
        current &&
        (current.messages.edges[0]?.node.seq ?? 0) > seq &&
        current.messages.pageInfo.hasPreviousPage
      ) {
        const el = scroller.current;
        if (el) anchor.current = el.scrollHeight - el.scrollTop;
        const res = await fetchMore({
          variables: { before: current.messages.edges[0].node.seq, last: 50 },
        });
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
        setTimeout(() => setHighlight((h) => (h === messageId ? null : h)), 2_000);
      });
    },
    [data, fetchMore],
  );

  useImperativeHandle(ref, () => ({ jumpTo, scrollToBottom }), [jumpTo, scrollToBottom]);

  // Each of my messages shows a tick (sent, delivered, read); my newest one also a line.
  const lastMine = [...messages].reverse().find((m) => m.sender.id === myUserId && !m.deletedAt);
  const countsFor = (m: MessageFieldsFragment) =>
    deliveryCounts(m, {
      read: realtime.receipts.readersAtLeast(conversationId, m.seq, myUserId),
      delivered: realtime.receipts.receiversAtLeast(conversationId, m.seq, myUserId),
    });
  const tickOf = (m: MessageFieldsFragment) =>
    m.sender.id === myUserId
      ? tickFor(conversation.kind, conversation.memberCount, countsFor(m))
      : undefined;
  const seenFor = (m: MessageFieldsFragment) =>
    m === lastMine ? deliveryLine(conversation.kind, countsFor(m)) : undefined;

  if (error && !data) {
    return (
      <div className="messages messages--center" role="alert">
        <p>Could not load messages.</p>
        <button className="button" onClick={() => void refetch()}>
          Try again
        </button>
      </div>
    );
  }

  return (
    <div className="messages-wrap">
      <div
        className="messages"
        ref={scroller}
        onScroll={onScroll}
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label="Messages"
        tabIndex={-1}
      >
        {hasOlder ? (
          <div className="messages__loader">Loading earlier messages…</div>
        ) : (
          !loading && (
            <div className="messages__start">This is the beginning of the conversation.</div>
          )
        )}
        {loading && !data && <div className="messages__loader">Loading…</div>}
        <div
          role="list"
          className="messages__list"
          ref={listEl}
          onKeyDown={onListKeyDown}
          onFocus={onListFocus}
        >
          {messages.map((m, i) => {
            const before = messages[i - 1];
            const after = messages[i + 1];
            const newDay = !before || dayKey(before.createdAt) !== dayKey(m.createdAt);
            const grouped =
              !newDay &&
              !!before &&
              before.sender.id === m.sender.id &&
              Date.parse(m.createdAt) - Date.parse(before.createdAt) < GROUP_WINDOW_MS;
            const lastOfGroup =
              !after ||
              after.sender.id !== m.sender.id ||
              dayKey(after.createdAt) !== dayKey(m.createdAt) ||
              Date.parse(after.createdAt) - Date.parse(m.createdAt) >= GROUP_WINDOW_MS;
            const mine = m.sender.id === myUserId;
            return (
              <Fragment key={m.id}>
                {noticesBetween(notices, before?.seq ?? -1, m.seq).map(line)}
                {/* A list holds only list items: each marker is one, holding its separator. */}
                {newDay && (
                  <div role="listitem" className="messages__marker">
                    <div
                      className="day-separator"
                      role="separator"
                      aria-label={formatDay(m.createdAt)}
                    >
                      <span>{formatDay(m.createdAt)}</span>
                    </div>
                  </div>
                )}
                {conversation.readSeq > 0 &&
                  before &&
                  before.seq <= conversation.readSeq &&
                  m.seq > conversation.readSeq &&
                  !mine && (
                    <div role="listitem" className="messages__marker">
                      <div className="unread-separator" role="separator">
                        <span>New messages</span>
                      </div>
                    </div>
                  )}
                <MessageBubble
                  message={m}
                  mine={mine}
                  grouped={grouped}
                  showSender={!grouped && conversation.kind !== 'DIRECT'}
                  showAvatar={lastOfGroup && conversation.kind !== 'DIRECT'}
                  seen={seenFor(m)}
                  tick={tickOf(m)}
                  highlighted={highlight === m.id}
                  onReply={onReply}
                  onEdit={onEdit}
                  onJump={(id, seq) => void jumpTo(id, seq)}
                />
              </Fragment>
            );
          })}
          {noticesBetween(notices, lastSeq, Infinity).map(line)}
          {pending.map((p) => (
            <PendingBubble key={p.clientMessageId} item={p} />
          ))}
        </div>
        {typing.length > 0 && (
          <div className="typing" aria-live="polite">
            <span className="typing__dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {conversation.kind === 'DIRECT' ? 'typing…' : typingText(typing)}
          </div>
        )}
      </div>
      {showJump && (
        <button
          type="button"
          className="jump-latest"
          onClick={scrollToBottom}
          aria-label={unseen ? `Jump to latest, ${unseen} new` : 'Jump to latest'}
        >
          <Icon name="down" size={20} />
          {unseen > 0 && <span className="badge">{unseen}</span>}
        </button>
      )}
    </div>
  );
});

function PendingBubble({ item }: { item: PendingMessage }) {
  const { outbox } = useChat();
  const failed = item.status === 'failed';
  return (
    <div
      className={`msg msg--mine msg--pending ${failed ? 'msg--failed' : ''}`}
      role="listitem"
      data-client-id={item.clientMessageId}
    >
      <div className="msg__column">
        <div className="msg__row">
          <div className="msg__bubble">
            <span className="msg__body">{item.body}</span>
            <span className="msg__meta">
              <time dateTime={item.createdAt}>{formatTime(item.createdAt)}</time>
              <span className="msg__tick" role="img" aria-label={failed ? 'Not sent' : 'Sending'}>
                <Icon name={failed ? 'alert' : 'clock'} size={14} />
              </span>
            </span>
          </div>
        </div>
        {failed ? (
          <div className="msg__failed" role="alert">
            {notSentText(item.error)}{' '}
            <button
              type="button"
              className="link"
              onClick={() => outbox.retry(item.clientMessageId)}
            >
              Retry
            </button>{' '}
            ·{' '}
            <button
              type="button"
              className="link"
              onClick={() => outbox.discard(item.clientMessageId)}
            >
              Discard
            </button>
          </div>
        ) : item.attempts > 0 && item.error ? (
          <div className="msg__seen">Waiting for connection…</div>
        ) : null}
      </div>
    </div>
  );
}
