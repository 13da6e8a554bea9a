// The scrolling history of a conversation: messages with day and unread separators, timeline
// lines, pending sends and the typing indicator. The work is in hooks, one concern each: the
// query (use-message-history), outbox reconciliation (use-pending-messages), scroll anchoring and
// older pages (use-scroll-anchor), read marking (use-mark-read), keyboard movement
// (use-list-keyboard) and jumping to a message (use-jump-to).
import {
  forwardRef,
  Fragment,
  useCallback,
  useImperativeHandle,
  useSyncExternalStore,
} from 'react';
import type { ConversationFieldsFragment, MessageFieldsFragment } from '@chatter/client';
import { useChat } from '../app/services';
import { formatDay } from '../ui/format';
import { Icon } from '../ui/icons';
import { MessageBubble } from './message-bubble';
import { typingText, useTypingNames } from '../chat/use-typing';
import { NoticeLine } from '../notices/notice-line';
import { noticesBetween, useNotices } from '../notices/use-notices';
import { PAGE_SIZE, useMessageHistory } from './use-message-history';
import { usePendingMessages } from './use-pending-messages';
import { useScrollAnchor } from './use-scroll-anchor';
import { useMarkRead } from './use-mark-read';
import { useListKeyboard } from './use-list-keyboard';
import { useJumpTo } from './use-jump-to';
import { placement } from './message-placement';
import { deliveryCounts, deliveryLine, tickFor } from './delivery-state';
import { PendingBubble } from './pending-bubble';

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
  const { myUserId, realtime } = useChat();
  const conversationId = conversation.id;
  const { data, messages, hasOlder, firstSeq, lastSeq, loading, error, fetchMore, refetch } =
    useMessageHistory(conversationId);
  const pending = usePendingMessages(conversationId, messages);
  useSyncExternalStore(realtime.receipts.subscribe, realtime.receipts.getVersion);
  const typing = useTypingNames(conversationId);

  const loadPage = useCallback(
    (before: number, last = PAGE_SIZE) => fetchMore({ variables: { before, last } }),
    [fetchMore],
  );
  const scroll = useScrollAnchor({
    messages,
    myUserId,
    pendingCount: pending.length,
    typingCount: typing.length,
    hasOlder,
    loadPage,
  });
  useMarkRead({
    conversation,
    messages,
    myUserId,
    scroller: scroll.scroller,
    atBottom: scroll.atBottom,
  });
  const keyboard = useListKeyboard();
  const { jumpTo, highlight } = useJumpTo({
    data,
    loadPage,
    holdPosition: scroll.holdPosition,
  });
  useImperativeHandle(ref, () => ({ jumpTo, scrollToBottom: scroll.scrollToBottom }), [
    jumpTo,
    scroll.scrollToBottom,
  ]);

  // Timeline lines (membership, title and setting changes) for the loaded range.
  const notices = useNotices(
    conversation,
    loading && !data ? null : hasOlder ? firstSeq : 0,
    lastSeq,
  );
  const line = (n: (typeof notices)[number]) => (
    <NoticeLine key={n.id} notice={n} myUserId={myUserId} kind={conversation.kind} />
  );

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
        ref={scroll.scroller}
        onScroll={scroll.onScroll}
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
          ref={keyboard.listRef}
          onKeyDown={keyboard.onKeyDown}
          onFocus={keyboard.onFocus}
        >
          {messages.map((m, i) => {
            const before = messages[i - 1];
            const { newDay, grouped, lastOfGroup } = placement(messages, i);
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
      {scroll.showJump && (
        <button
          type="button"
          className="jump-latest"
          onClick={scroll.scrollToBottom}
          aria-label={scroll.unseen ? `Jump to latest, ${scroll.unseen} new` : 'Jump to latest'}
        >
          <Icon name="down" size={20} />
          {scroll.unseen > 0 && <span className="badge">{scroll.unseen}</span>}
        </button>
      )}
    </div>
  );
});
