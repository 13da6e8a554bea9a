// Messages matching the chat-list search, across all my conversations; each result opens its
// conversation at the message.
import { useEffect, useState } from 'react';
import { useQuery } from '@apollo/client';
import { SearchMessagesDocument, type ConversationFieldsFragment } from '@chatter/client';
import { routeHref } from '../app/router';
import { useChat } from '../app/services';
import { conversationTitle } from '../chat/conversation-display';
import { formatListTime } from '../ui/format';
import { HighlightedSnippet, isSearchable } from './highlighted-snippet';

const DEBOUNCE_MS = 300;

export function MessageSearchResults({
  text,
  conversations,
}: {
  text: string;
  conversations: readonly ConversationFieldsFragment[];
}) {
  const { myUserId } = useChat();
  const [query, setQuery] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQuery(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text]);
  const { data, loading, error } = useQuery(SearchMessagesDocument, {
    variables: { query, first: 20 },
    skip: !isSearchable(query),
    fetchPolicy: 'network-only',
  });
  if (!isSearchable(text.trim())) return null;
  const byId = new Map(conversations.map((c) => [c.id, c]));
  const results = data?.searchMessages.edges ?? [];
  return (
    <section className="message-search" aria-labelledby="message-search-title">
      <h3 id="message-search-title" className="message-search__title">
        Messages
      </h3>
      <div aria-live="polite">
        {loading || query !== text.trim() ? (
          <p className="muted message-search__note">Searching…</p>
        ) : error ? (
          <p className="form-error message-search__note">Search failed. Try again.</p>
        ) : results.length === 0 ? (
          <p className="muted message-search__note">No messages found.</p>
        ) : (
          <ul className="search-results">
            {results.map(({ node: m, snippet }) => {
              const c = byId.get(m.conversationId);
              const where = c ? conversationTitle(c) : 'Conversation';
              const who = m.sender.id === myUserId ? 'You' : m.sender.name;
              return (
                <li key={m.id}>
                  <a
                    className="search-result"
                    href={routeHref({
                      view: 'conversation',
                      conversationId: m.conversationId,
                      jump: { messageId: m.id, seq: m.seq },
                    })}
                  >
                    <span className="search-result__top">
                      <strong>{where}</strong>
                      <time dateTime={m.createdAt}>{formatListTime(m.createdAt)}</time>
                    </span>
                    <span className="search-result__body">
                      {c?.kind === 'DIRECT' && who !== 'You' ? '' : `${who}: `}
                      <HighlightedSnippet snippet={snippet} fallback={m.body ?? ''} />
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}
