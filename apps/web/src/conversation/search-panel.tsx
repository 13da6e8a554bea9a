import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@apollo/client';
import { SearchMessagesDocument, type MessageFieldsFragment } from '@chatter/client';
import { Icon } from '../ui/icons';
import { formatListTime } from '../ui/format';
import { HighlightedSnippet, isSearchable } from '../search/highlighted-snippet';

export function SearchPanel({
  conversationId,
  onClose,
  onPick,
}: {
  conversationId: string;
  onClose: () => void;
  onPick: (m: MessageFieldsFragment) => void;
}) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    const t = setTimeout(() => setQuery(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  const { data, loading, error } = useQuery(SearchMessagesDocument, {
    variables: { query, conversationId, first: 30 },
    skip: !isSearchable(query),
    fetchPolicy: 'network-only',
  });
  const results = data?.searchMessages.edges ?? [];
  return (
    <aside
      className="side-panel"
      aria-label="Search messages"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <header className="side-panel__header">
        <h2>Search</h2>
        <button type="button" className="icon-button" aria-label="Close search" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="sidebar__search">
        <Icon name="search" size={18} />
        <input
          ref={input}
          type="search"
          placeholder="Search in this conversation"
          aria-label="Search in this conversation"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="side-panel__body" aria-live="polite">
        {!isSearchable(query) ? (
          <p className="muted">Type at least two letters.</p>
        ) : loading ? (
          <p className="muted">Searching…</p>
        ) : error ? (
          <p className="form-error">Search failed. Try again.</p>
        ) : results.length === 0 ? (
          <p className="muted">No messages found.</p>
        ) : (
          <ul className="search-results">
            {results.map(({ node: m, snippet }) => (
              <li key={m.id}>
                <button type="button" className="search-result" onClick={() => onPick(m)}>
                  <span className="search-result__top">
                    <strong>{m.sender.name}</strong>
                    <time dateTime={m.createdAt}>{formatListTime(m.createdAt)}</time>
                  </span>
                  <span className="search-result__body">
                    <HighlightedSnippet snippet={snippet} fallback={m.body ?? ''} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}
