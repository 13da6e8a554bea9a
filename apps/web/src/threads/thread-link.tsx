// Under a thread root in the timeline: how many replies, who, when, and my unread count.
import './threads.css';
import { useContext } from 'react';
import type { MessageFieldsFragment } from '@chatter/client';
import { formatListTime } from '../ui/format';
import { Avatar } from '../ui/avatar';
import { ThreadUiContext } from './thread-ui-context';

export const replyCountText = (n: number) => `${n} ${n === 1 ? 'reply' : 'replies'}`;

export function ThreadLink({ message: m }: { message: MessageFieldsFragment }) {
  const ui = useContext(ThreadUiContext);
  const t = m.thread;
  if (!t || t.replyCount === 0) return null;
  const unread = t.following && t.unreadCount > 0;
  return (
    <button
      type="button"
      className="thread-link"
      data-thread-link={m.id}
      onClick={() => ui?.openThread(m.id)}
    >
      <span className="thread-link__faces" aria-hidden="true">
        {t.participants.slice(0, 3).map((p) => (
          <Avatar key={p.id} name={p.name} seed={p.id} url={p.avatarUrl} size={18} />
        ))}
      </span>
      <span className="thread-link__count">{replyCountText(t.replyCount)}</span>
      {t.lastReplyAt && (
        <time className="thread-link__time" dateTime={t.lastReplyAt}>
          {formatListTime(t.lastReplyAt)}
        </time>
      )}
      {unread && (
        <span className="thread-link__unread">
          {t.unreadCount}
          <span className="visually-hidden"> unread</span>
        </span>
      )}
      <span className="visually-hidden">, open thread</span>
    </button>
  );
}
