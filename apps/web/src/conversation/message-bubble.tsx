import { FormattedBody } from '../formatting/formatted-body';
import { TICK_LABEL, Tick } from './delivery-state';
import { memo, useContext, useEffect, useRef, useState } from 'react';
import { ReportMessageButton } from '../admin/report-message-button';
import { useMutation } from '@apollo/client';
import {
  AddReactionDocument,
  DeleteMessageDocument,
  RemoveReactionDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { Icon } from '../ui/icons';
import { formatTime } from '../ui/format';
import { Avatar } from '../ui/avatar';
import { ChatServicesContext } from '../app/services';
import { EmojiGrid } from '../ui/emoji-grid';
import { MessageAttachments } from '../attachments/message-attachments';
import { LinkPreviewCard } from '../link-previews/link-preview-card';
import { BotBadge } from '../ui/bot-badge';
import { ExpiryBadge } from '../disappearing/expiry-badge';
import { MessageExtraActions } from '../threads/message-extra-actions';
import { ThreadLink } from '../threads/thread-link';
import { ForwardedLabel } from '../threads/forwarded-label';
import { PollCard } from '../polls/poll-card';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export interface BubbleProps {
  message: MessageFieldsFragment;
  mine: boolean;
  showSender: boolean;
  showAvatar: boolean;
  grouped: boolean;
  /** Delivery line shown under my newest message ("Delivered", "Seen by 2"…): undefined for others'. */
  seen?: string;
  /** The tick on each of my messages: undefined for others'. */
  tick?: Tick;
  highlighted: boolean;
  onReply: (m: MessageFieldsFragment) => void;
  onEdit: (m: MessageFieldsFragment) => void;
  onJump: (messageId: string, seq: number) => void;
}

function toggledReactions(
  m: MessageFieldsFragment,
  emoji: string,
  add: boolean,
): MessageFieldsFragment['reactions'] {
  const existing = m.reactions.find((r) => r.emoji === emoji);
  if (add) {
    if (existing)
      return m.reactions.map((r) =>
        r.emoji === emoji ? { ...r, count: r.count + 1, reactedByMe: true } : r,
      );
    return [...m.reactions, { __typename: 'ReactionSummary', emoji, count: 1, reactedByMe: true }];
  }
  return m.reactions
    .map((r) => (r.emoji === emoji ? { ...r, count: r.count - 1, reactedByMe: false } : r))
    .filter((r) => r.count > 0);
}

export const MessageBubble = memo(function MessageBubble({
  message: m,
  mine,
  showSender,
  showAvatar,
  grouped,
  seen,
  tick,
  highlighted,
  onReply,
  onEdit,
  onJump,
}: BubbleProps) {
  const myUserId = useContext(ChatServicesContext)?.myUserId ?? null;
  const [picker, setPicker] = useState(false);
  const [addReaction] = useMutation(AddReactionDocument);
  const [removeReaction] = useMutation(RemoveReactionDocument);
  const [deleteMessage] = useMutation(DeleteMessageDocument);
  const deleted = Boolean(m.deletedAt);

  const reactButton = useRef<HTMLButtonElement>(null);
  const pickerMenu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (picker) pickerMenu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [picker]);
  /** Closing the picker puts focus back on the button that opened it, never on the page. */
  const [more, setMore] = useState(false);
  const closePicker = () => {
    setPicker(false);
    setMore(false);
    reactButton.current?.focus();
  };

  const react = (emoji: string) => {
    if (picker) closePicker();
    const mineAlready = m.reactions.some((r) => r.emoji === emoji && r.reactedByMe);
    const reactions = toggledReactions(m, emoji, !mineAlready);
    const optimisticResponse = { id: m.id, reactions, __typename: 'Message' as const };
    if (mineAlready)
      void removeReaction({
        variables: { messageId: m.id, emoji },
        optimisticResponse: { removeReaction: optimisticResponse },
      }).catch(() => undefined);
    else
      void addReaction({
        variables: { messageId: m.id, emoji },
        optimisticResponse: { addReaction: optimisticResponse },
      }).catch(() => undefined);
  };

  const remove = () => {
    if (!window.confirm('Delete this message for everyone?')) return;
    void deleteMessage({ variables: { id: m.id } }).catch(() =>
      window.alert('Could not delete the message. Try again.'),
    );
  };

  return (
    <div
      className={`msg ${mine ? 'msg--mine' : 'msg--theirs'} ${grouped ? 'msg--grouped' : ''} ${highlighted ? 'msg--highlight' : ''} ${m.mentionsMe ? 'msg--mentions-me' : ''}`}
      id={`msg-${m.id}`}
      data-seq={m.seq}
      role="listitem"
    >
      {!mine && (
        <span className="msg__avatar">
          {showAvatar ? (
            <Avatar name={m.sender.name} seed={m.sender.id} url={m.sender.avatarUrl} size={32} />
          ) : null}
        </span>
      )}
      <div className="msg__column">
        {showSender && !mine && (
          <div className="msg__sender">
            {m.sender.name}
            {m.sender.isBot && <BotBadge />}
          </div>
        )}
        <div className="msg__row">
          <div className={`msg__bubble ${deleted ? 'msg__bubble--deleted' : ''}`}>
            {!deleted && <ForwardedLabel message={m} />}
            {m.replyTo && !deleted && (
              <button
                type="button"
                tabIndex={-1}
                className="msg__quote"
                onClick={() => onJump(m.replyTo!.id, m.replyTo!.seq)}
                aria-label={`Reply to ${m.replyTo.sender.name}: ${m.replyTo.body ?? 'deleted message'}`}
              >
                <span className="msg__quote-name">{m.replyTo.sender.name}</span>
                <span className="msg__quote-body">
                  {m.replyTo.deletedAt ? 'Message deleted' : m.replyTo.body}
                </span>
              </button>
            )}
            {!deleted && m.attachments?.length ? (
              <MessageAttachments
                attachments={m.attachments}
                conversationId={m.conversationId}
                seq={m.seq}
              />
            ) : null}
            {!deleted && m.poll && <PollCard messageId={m.id} poll={m.poll} myUserId={myUserId} />}
            {deleted ? (
              <span className="msg__body msg__body--deleted">This message was deleted</span>
            ) : m.poll || (!m.body && m.attachments?.length) ? null : (
              <span className="msg__body">
                <FormattedBody
                  body={m.body ?? ''}
                  mentions={m.mentions}
                  mentionsAll={m.mentionsAll}
                  myId={myUserId}
                />
              </span>
            )}
            {!deleted && m.linkPreview ? (
              <LinkPreviewCard preview={m.linkPreview} messageId={m.id} mine={mine} />
            ) : null}
            <span className="msg__meta">
              {m.editedAt && !deleted && <span className="msg__edited">edited</span>}
              {!deleted && <ExpiryBadge expiresAt={m.expiresAt} />}
              <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
              {mine && !deleted && (
                <span
                  className={`msg__tick msg__tick--${tick ?? 'sent'}`}
                  role="img"
                  aria-label={TICK_LABEL[tick ?? 'sent']}
                  data-tick={tick ?? 'sent'}
                >
                  <Icon name={tick && tick !== 'sent' ? 'checks' : 'check'} size={14} />
                </span>
              )}
            </span>
          </div>
          {!deleted && (
            <div className="msg__actions" role="toolbar" aria-label="Message actions">
              <button
                type="button"
                tabIndex={-1}
                className="icon-button icon-button--small"
                aria-label="React"
                aria-expanded={picker}
                ref={reactButton}
                onClick={() => setPicker((p) => !p)}
              >
                <Icon name="smile" size={16} />
              </button>
              <button
                type="button"
                tabIndex={-1}
                className="icon-button icon-button--small"
                aria-label="Reply"
                onClick={() => onReply(m)}
              >
                <Icon name="reply" size={16} />
              </button>
              <MessageExtraActions message={m} />
              {!mine && <ReportMessageButton messageId={m.id} />}
              {mine && (
                <>
                  {!m.poll && (
                    <button
                      type="button"
                      tabIndex={-1}
                      className="icon-button icon-button--small"
                      aria-label="Edit"
                      onClick={() => onEdit(m)}
                    >
                      <Icon name="edit" size={16} />
                    </button>
                  )}
                  <button
                    type="button"
                    tabIndex={-1}
                    className="icon-button icon-button--small"
                    aria-label="Delete"
                    onClick={remove}
                  >
                    <Icon name="trash" size={16} />
                  </button>
                </>
              )}
              {picker && more && (
                <EmojiGrid
                  label="Pick any reaction"
                  onPick={(emoji) => react(emoji)}
                  onClose={closePicker}
                />
              )}
              {picker && !more && (
                <div
                  className="emoji-picker"
                  role="menu"
                  aria-label="Pick a reaction"
                  ref={pickerMenu}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') {
                      e.preventDefault();
                      closePicker();
                    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                      e.preventDefault();
                      moveFocus(
                        e.currentTarget,
                        '[role="menuitem"]',
                        e.key === 'ArrowRight' ? 1 : -1,
                      );
                    }
                  }}
                >
                  {QUICK_REACTIONS.map((e) => (
                    <button
                      key={e}
                      type="button"
                      role="menuitem"
                      tabIndex={-1}
                      className="emoji-picker__item"
                      onClick={() => react(e)}
                      aria-label={`React ${e}`}
                    >
                      {e}
                    </button>
                  ))}
                  <button
                    type="button"
                    role="menuitem"
                    tabIndex={-1}
                    className="emoji-picker__item"
                    aria-label="More reactions"
                    onClick={() => setMore(true)}
                  >
                    +
                  </button>
                </div>
              )}
            </div>
          )}
        </div>
        {m.reactions.length > 0 && !deleted && (
          <div className="msg__reactions">
            {m.reactions.map((r) => (
              <button
                key={r.emoji}
                type="button"
                tabIndex={-1}
                className={`reaction ${r.reactedByMe ? 'reaction--mine' : ''}`}
                aria-pressed={r.reactedByMe}
                aria-label={`${r.emoji} ${r.count}${r.reactedByMe ? ', including you' : ''}`}
                onClick={() => react(r.emoji)}
              >
                {r.emoji} <span>{r.count}</span>
              </button>
            ))}
          </div>
        )}
        <ThreadLink message={m} />
        {seen && (
          <div className="msg__seen" aria-live="polite">
            {seen}
          </div>
        )}
      </div>
    </div>
  );
});

/** Moves focus to the next (or previous) element matching `selector` inside `container`. */
function moveFocus(container: HTMLElement, selector: string, step: 1 | -1): void {
  const items = [...container.querySelectorAll<HTMLElement>(selector)];
  const i = items.indexOf(document.activeElement as HTMLElement);
  items[(i + step + items.length) % items.length]?.focus();
}
