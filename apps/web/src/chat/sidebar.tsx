import { mentionsAsText } from '../mentions/mention-text';
import { Suspense, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@apollo/client';
import {
  ConversationsDocument,
  MeDocument,
  type ConversationFieldsFragment,
} from '@chatter/client';
import { useFormerConversations, withFormer } from './use-former-conversations';
import { useChat } from '../app/services';
import { routeHref } from '../app/router';
import { Avatar } from '../ui/avatar';
import { Icon } from '../ui/icons';
import { formatListTime } from '../ui/format';
import { conversationTitle, sortConversations } from './conversation-display';
import { typingText, useTypingNames } from './use-typing';
import type { ConnectionStatus } from '../realtime/realtime-session';
import { CONVERSATIONS_PAGE } from './conversations-page';
import { lazyView } from '../ui/lazy-view';
import { attachmentSummary } from '../attachments/attachment-summary';

// Message search is loaded when someone types in the search box, not with the chat list.
const MessageSearchResults = lazyView(() =>
  import('../search/message-search-results').then((m) => m.MessageSearchResults),
);

type Filter = 'all' | 'unread' | 'archived';

export function Sidebar({
  status,
  loading,
  error,
  onRetry,
  activeId,
}: {
  status: ConnectionStatus;
  loading: boolean;
  error: string | null;
  onRetry: () => void;
  activeId: string | null;
}) {
  const { data } = useQuery(ConversationsDocument, {
    variables: { first: CONVERSATIONS_PAGE },
    fetchPolicy: 'cache-only',
  });
  const { data: me } = useQuery(MeDocument, { fetchPolicy: 'cache-first' });
  const former = useFormerConversations();
  const [query, setQuery] = useState('');
  // After signing in or creating the account the form that had focus is gone: start keyboard
  // and screen-reader users at the list instead of at the top of the page.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null)
      heading.current?.focus({ preventScroll: true });
  }, []);
  const [filter, setFilter] = useState<Filter>('all');

  const all = useMemo(
    () =>
      sortConversations(
        withFormer(
          (data?.conversations.edges ?? []).map((e) => e.node),
          former,
        ),
      ),
    [data, former],
  );
  const searching = query.trim().length >= 2;
  const list = useMemo(() => {
    const q = query.trim().toLowerCase();
    return all.filter((c) => {
      if (filter === 'archived' ? !c.archived : c.archived) return false;
      if (filter === 'unread' && c.unreadCount === 0) return false;
      if (!q) return true;
      return (
        conversationTitle(c).toLowerCase().includes(q) ||
        (c.lastMessage?.body ?? '').toLowerCase().includes(q)
      );
    });
  }, [all, query, filter]);

  // Arrow keys move between conversations, like a real list.
  const onListKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>('a.conv-item')];
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next =
      links[Math.max(0, Math.min(links.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    next?.focus();
    e.preventDefault();
  };

  return (
    <nav className="sidebar" aria-label="Conversations">
      <header className="sidebar__header">
        <a href="#/settings" className="sidebar__me" aria-label="Profile and settings">
          <Avatar
            name={me?.me.name ?? '?'}
            seed={me?.me.id ?? '?'}
            url={me?.me.avatarUrl}
            size={36}
          />
        </a>
        <h2 className="sidebar__title" ref={heading} tabIndex={-1}>
          Chats
        </h2>
        <nav className="sidebar__actions" aria-label="Main">
          <a className="icon-button" href="#/contacts" aria-label="Contacts" title="Contacts">
            <Icon name="users" />
          </a>
          <a className="icon-button" href="#/settings" aria-label="Settings" title="Settings">
            <Icon name="settings" />
          </a>
          <a
            className="icon-button icon-button--accent"
            href="#/new"
            aria-label="New chat"
            title="New chat"
          >
            <Icon name="plus" />
          </a>
        </nav>
      </header>
      {status !== 'online' && (
        <div className={`connection connection--${status}`} role="status">
          {status === 'offline' ? 'Offline — messages will send when you are back' : 'Connecting…'}
        </div>
      )}
      <div className="sidebar__search">
        <Icon name="search" size={18} />
        <input
          type="search"
          placeholder="Search conversations"
          aria-label="Search conversations"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="chips" role="tablist" aria-label="Filter conversations">
        {(['all', 'unread', 'archived'] as const).map((f) => (
          <button
            key={f}
            role="tab"
            aria-selected={filter === f}
            className={`chip ${filter === f ? 'chip--on' : ''}`}
            onClick={() => setFilter(f)}
          >
            {f === 'all' ? 'All' : f === 'unread' ? 'Unread' : 'Archived'}
          </button>
        ))}
      </div>
      {error ? (
        <div className="sidebar__empty" role="alert">
          <p>{error}</p>
          <button className="button" onClick={onRetry}>
            Try again
          </button>
        </div>
      ) : loading && !data ? (
        <ul className="conv-list" aria-busy="true" aria-label="Loading conversations">
          {[0, 1, 2, 3, 4].map((i) => (
            <li key={i} className="conv-item conv-item--skeleton" />
          ))}
        </ul>
      ) : list.length === 0 && !searching ? (
        <div className="sidebar__empty">
          <p className="muted">
            {query
              ? 'No conversation matches.'
              : filter === 'archived'
                ? 'Nothing archived.'
                : filter === 'unread'
                  ? 'All caught up.'
                  : 'No conversations yet.'}
          </p>
          {!query && filter === 'all' && (
            <a className="button button--primary" href="#/new">
              Start a chat
            </a>
          )}
        </div>
      ) : (
        <div className={searching ? 'sidebar__results' : 'sidebar__plain'}>
          {searching && (
            <h3 className="message-search__title">
              {list.length ? 'Chats' : 'No chat matches the name.'}
            </h3>
          )}
          <ul className="conv-list" onKeyDown={onListKeyDown}>
            {list.map((c) => (
              <ConversationItem
                key={c.id}
                conversation={c}
                active={c.id === activeId}
                live={status === 'online'}
              />
            ))}
          </ul>
          {searching && (
            <Suspense fallback={null}>
              <MessageSearchResults text={query} conversations={all} />
            </Suspense>
          )}
        </div>
      )}
    </nav>
  );
}

function ConversationItem({
  conversation: c,
  active,
  live,
}: {
  conversation: ConversationFieldsFragment;
  active: boolean;
  /** Presence is current (the stream is up): only then show who is online. */
  live: boolean;
}) {
  const { myUserId } = useChat();
  const typing = useTypingNames(c.id);
  const title = conversationTitle(c);
  const last = c.lastMessage;
  let preview = 'No messages yet';
  if (last) {
    const who =
      last.sender.id === myUserId
        ? 'You: '
        : c.kind === 'DIRECT'
          ? ''
          : `${last.sender.name.split(' ')[0]}: `;
    preview = last.deletedAt
      ? `${who}Message deleted`
      : `${who}${mentionsAsText(last.body ?? '', last.mentions) || attachmentSummary(last.attachments)}`;
  }
  const unread = c.unreadCount > 0 && !active;
  return (
    <li>
      <a
        className={`conv-item ${active ? 'conv-item--active' : ''} ${unread ? 'conv-item--unread' : ''}`}
        href={routeHref({ view: 'conversation', conversationId: c.id })}
        aria-current={active ? 'page' : undefined}
      >
        <Avatar
          name={title}
          seed={c.otherUser?.id ?? c.id}
          url={c.otherUser?.avatarUrl}
          kind={c.kind}
          status={c.kind === 'DIRECT' && live ? c.otherUser?.presence.status : null}
        />
        <span className="conv-item__body">
          <span className="conv-item__top">
            <span className="conv-item__title">
              {c.kind === 'CHANNEL' && <Icon name="hash" size={14} />}
              {title}
            </span>
            <time className="conv-item__time" dateTime={c.lastActivityAt}>
              {formatListTime(last?.createdAt ?? c.lastActivityAt)}
            </time>
          </span>
          <span className="conv-item__bottom">
            <span
              className={`conv-item__preview ${typing.length ? 'conv-item__preview--typing' : ''}`}
            >
              {typing.length ? (c.kind === 'DIRECT' ? 'typing…' : typingText(typing)) : preview}
            </span>
            <span className="conv-item__flags">
              {c.isMessageRequest && <span className="request-tag">Request</span>}
              {c.muted && <Icon name="mute" size={14} title="Muted" />}
              {c.pinned && <Icon name="pin" size={14} title="Pinned" />}
              {unread && c.unreadMentionCount > 0 && (
                <span className={`badge badge--mention ${c.muted ? 'badge--muted' : ''}`}>
                  @<span className="visually-hidden"> {c.unreadMentionCount} mentioning you,</span>
                </span>
              )}
              {unread && (
                <>
                  <span className={`badge ${c.muted ? 'badge--muted' : ''}`}>
                    {c.unreadCount > 99 ? '99+' : c.unreadCount}
                  </span>
                  <span className="visually-hidden"> unread</span>
                </>
              )}
            </span>
          </span>
        </span>
      </a>
    </li>
  );
}
