import { Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useQuery } from '@apollo/client';
import {
  ConversationDocument,
  MessagesDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { useChat } from '../app/services';
import { navigate, routeHref } from '../app/router';
import { Avatar } from '../ui/avatar';
import { Icon } from '../ui/icons';
import { presenceLabel, useConnectionStatus } from '../chat/use-connection';
import { conversationTitle } from '../chat/conversation-display';
import { typingText, useTypingNames } from '../chat/use-typing';
import { MessageList, type MessageListHandle } from './message-list';
import { useJumpOnOpen } from '../search/use-jump-on-open';
import { Composer } from './composer';
import { MessageRequestBanner } from './message-request-banner';
import { ReadOnlyNotice } from './read-only-notice';
import { lazyView } from '../ui/lazy-view';
import { CallButtons } from '../calls/call-buttons';
import { BotBadge } from '../ui/bot-badge';
import { ThreadUiContext, type ThreadUi } from '../threads/thread-ui-context';
import { useThreadUi } from '../threads/use-thread-ui';
import { groupSubtitle } from './header-subtitle';

const OpenThread = lazyView(() => import('../threads/open-thread').then((m) => m.OpenThread));
const ForwardDialog = lazyView(() =>
  import('../threads/forward-dialog').then((m) => m.ForwardDialog),
);
const StarredPanel = lazyView(() => import('../threads/starred-panel').then((m) => m.StarredPanel));

const SearchPanel = lazyView(() => import('./search-panel').then((m) => m.SearchPanel));
const DetailsPanel = lazyView(() => import('../details/details-panel').then((m) => m.DetailsPanel));

export function ConversationView({
  conversationId,
  panel,
  jump,
}: {
  conversationId: string;
  panel?: 'details' | 'search';
  jump?: { messageId: string; seq: number };
}) {
  const { myUserId, client } = useChat();
  const { data, loading, error, refetch } = useQuery(ConversationDocument, {
    variables: { id: conversationId },
  });
  const [replyTo, setReplyTo] = useState<MessageFieldsFragment | null>(null);
  const [editing, setEditing] = useState<MessageFieldsFragment | null>(null);
  const list = useRef<MessageListHandle>(null);
  useJumpOnOpen(conversationId, jump, list);
  const typing = useTypingNames(conversationId);
  const connection = useConnectionStatus();
  const root = useRef<HTMLElement>(null);
  const threads = useThreadUi(client.cache, conversationId);

  const onReply = useCallback((m: MessageFieldsFragment) => {
    setEditing(null);
    setReplyTo(m);
  }, []);
  const onEdit = useCallback((m: MessageFieldsFragment) => {
    setReplyTo(null);
    setEditing(m);
  }, []);

  // ArrowUp in an empty composer edits my last message.
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const handler = () => {
      const msgs = client.cache.readQuery({
        query: MessagesDocument,
        variables: { conversationId },
      });
      const last = [...(msgs?.messages.edges ?? [])]
        .reverse()
        .find((e) => e.node.sender.id === myUserId && !e.node.deletedAt && !e.node.poll);
      if (last) onEdit(last.node);
    };
    el.addEventListener('chatter:edit-last', handler);
    return () => el.removeEventListener('chatter:edit-last', handler);
  }, [client, conversationId, myUserId, onEdit]);

  const c = data?.conversation;
  if (!c) {
    return (
      <section className="conversation conversation--empty" ref={root}>
        {loading ? (
          <p className="muted">Loading…</p>
        ) : (
          <div className="empty-state" role="alert">
            <h2>{error ? 'Could not open this conversation' : 'Conversation not found'}</h2>
            <p className="muted">
              {error
                ? 'Check your connection and try again.'
                : 'It may have been removed, or you are no longer a member.'}
            </p>
            {error ? (
              <button className="button" onClick={() => void refetch()}>
                Try again
              </button>
            ) : (
              <a className="button" href="#/">
                Back to chats
              </a>
            )}
          </div>
        )}
      </section>
    );
  }

  const title = conversationTitle(c);
  const other = c.kind === 'DIRECT' ? c.otherUser : null;
  let subtitle: string;
  if (typing.length) subtitle = c.kind === 'DIRECT' ? 'typing…' : typingText(typing);
  else if (other) {
    subtitle = presenceLabel(other.presence, other.lastSeenAt, connection);
  } else subtitle = groupSubtitle(c);

  const togglePanel = (p: 'details' | 'search') =>
    navigate({ view: 'conversation', conversationId, panel: panel === p ? undefined : p });

  const blocked = other?.isBlocked
    ? 'You blocked this person. Unblock them to send messages.'
    : null;

  return (
    <ThreadUiContext.Provider value={threads.ui as ThreadUi}>
      <section
        className={`conversation ${panel || threads.side ? 'conversation--with-panel' : ''}`}
        ref={root}
        aria-label={`Conversation with ${title}`}
      >
        <div className="conversation__main">
          <header className="conversation__header">
            <a className="icon-button conversation__back" href="#/" aria-label="Back to chats">
              <Icon name="back" />
            </a>
            <button
              type="button"
              className="conversation__who"
              onClick={() => togglePanel('details')}
            >
              <Avatar
                name={title}
                seed={other?.id ?? c.id}
                url={other?.avatarUrl}
                kind={c.kind}
                status={connection === 'online' ? other?.presence.status : null}
                size={40}
              />
              <span className="conversation__names">
                <span className="conversation__title">
                  {title}
                  {other?.isBot && <BotBadge />}
                </span>
                <span
                  className={`conversation__subtitle ${typing.length ? 'conversation__subtitle--typing' : ''}`}
                  aria-live="polite"
                >
                  {subtitle}
                </span>
                <span className="visually-hidden">, show details</span>
              </span>
            </button>
            <div className="conversation__actions">
              {other && (
                <CallButtons conversationId={c.id} peerId={other.id} disabled={!!blocked} />
              )}
              <button
                type="button"
                className={`icon-button ${threads.side === 'starred' ? 'icon-button--on' : ''}`}
                aria-label="Starred messages"
                aria-expanded={threads.side === 'starred'}
                onClick={threads.toggleStarred}
              >
                <Icon name="star" />
              </button>
              <a
                className={`icon-button ${panel === 'search' ? 'icon-button--on' : ''}`}
                href={routeHref({
                  view: 'conversation',
                  conversationId,
                  panel: panel === 'search' ? undefined : 'search',
                })}
                aria-label="Search messages"
                aria-expanded={panel === 'search'}
              >
                <Icon name="search" />
              </a>
              <a
                className={`icon-button ${panel === 'details' ? 'icon-button--on' : ''}`}
                href={routeHref({
                  view: 'conversation',
                  conversationId,
                  panel: panel === 'details' ? undefined : 'details',
                })}
                data-panel-toggle="details"
                aria-label="Conversation details"
                aria-expanded={panel === 'details'}
              >
                <Icon name="info" />
              </a>
            </div>
          </header>
          {c.isMessageRequest && other && !blocked && (
            <MessageRequestBanner conversationId={c.id} name={title} />
          )}
          <MessageList ref={list} conversation={c} onReply={onReply} onEdit={onEdit} />
          {c.viewerExit && !c.viewerIsMember ? (
            <ReadOnlyNotice exit={c.viewerExit} kind={c.kind} myUserId={myUserId} />
          ) : (
            <Composer
              conversationId={conversationId}
              replyTo={replyTo}
              editing={editing}
              disabled={blocked}
              onCancel={() => {
                setReplyTo(null);
                setEditing(null);
              }}
              onSent={() => {
                setReplyTo(null);
                list.current?.scrollToBottom();
              }}
            />
          )}
        </div>
        <Suspense fallback={panel ? <aside className="side-panel" aria-busy="true" /> : null}>
          {panel === 'search' && (
            <SearchPanel
              conversationId={conversationId}
              onClose={() => togglePanel('search')}
              onPick={(m) => void list.current?.jumpTo(m.id, m.seq)}
            />
          )}
          {panel === 'details' && (
            <DetailsPanel conversation={c} onClose={() => togglePanel('details')} />
          )}
          {!panel && threads.side === 'thread' && threads.root && (
            <OpenThread
              root={threads.root}
              canSend={c.viewerIsMember !== false && !blocked}
              onClose={threads.close}
            />
          )}
          {!panel && threads.side === 'starred' && <StarredPanel onClose={threads.close} />}
          {threads.forwarding && (
            <ForwardDialog message={threads.forwarding} onClose={threads.closeForward} />
          )}
        </Suspense>
      </section>
    </ThreadUiContext.Provider>
  );
}
