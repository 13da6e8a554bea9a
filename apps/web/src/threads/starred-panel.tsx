// My starred messages, across conversations, newest star first.
import { useQuery } from '@apollo/client';
import { StarredMessagesDocument } from '@chatter/client';
import { appendEdges } from '../realtime/cache-writes';
import { Icon } from '../ui/icons';
import { formatListTime } from '../ui/format';
import { routeHref } from '../app/router';

export function StarredPanel({ onClose }: { onClose: () => void }) {
  const { data, loading, error, fetchMore } = useQuery(StarredMessagesDocument, {
    variables: { first: 30 },
    fetchPolicy: 'network-only',
  });
  const edges = data?.starredMessages.edges ?? [];
  const page = data?.starredMessages.pageInfo;
  return (
    <aside
      className="side-panel"
      aria-label="Starred messages"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <header className="side-panel__header">
        <h2>Starred</h2>
        <button type="button" className="icon-button" aria-label="Close starred" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="side-panel__body" aria-live="polite">
        {loading && edges.length === 0 ? (
          <p className="muted">Loading…</p>
        ) : error ? (
          <p className="form-error">Could not load starred messages.</p>
        ) : edges.length === 0 ? (
          <p className="muted">No starred messages yet.</p>
        ) : (
          <ul className="search-results">
            {edges.map(({ node: m }) => (
              <li key={m.id}>
                <a
                  className="search-result"
                  href={routeHref({
                    view: 'conversation',
                    conversationId: m.conversationId,
                    // A reply is shown in its thread: open the conversation at the latest.
                    jump: m.threadRootId ? undefined : { messageId: m.id, seq: m.seq },
                  })}
                >
                  <span className="search-result__top">
                    <strong>{m.sender.name}</strong>
                    <time dateTime={m.createdAt}>{formatListTime(m.createdAt)}</time>
                  </span>
                  <span className="search-result__body">{m.body}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
        {page?.hasNextPage && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() =>
              void fetchMore({
                variables: { after: page.endCursor },
                updateQuery: appendEdges('starredMessages'),
              })
            }
          >
            More
          </button>
        )}
      </div>
    </aside>
  );
}
