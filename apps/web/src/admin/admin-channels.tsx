// The tenant's public channels: open one, see its members, appoint or dismiss moderators.
import { useState } from 'react';
import { useQuery } from '@apollo/client';
import { ChannelsDocument, ConversationMembersDocument } from '@chatter/client';
import { describeError } from '../apollo/errors';
import { ModeratorToggle } from './moderator-toggle';
import './admin-channels.css';

const ROLE_LABEL: Record<string, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  MODERATOR: 'Moderator',
  MEMBER: 'Member',
};

function ChannelMembers({ conversationId }: { conversationId: string }) {
  const { data, loading, error, refetch } = useQuery(ConversationMembersDocument, {
    variables: { id: conversationId, first: 100 },
    fetchPolicy: 'network-only',
  });
  const [actionError, setActionError] = useState<string | null>(null);
  if (loading) return <p className="muted">Loading members…</p>;
  if (error)
    return (
      <p className="form-error" role="alert">
        {describeError(error)}
      </p>
    );
  const members = data?.conversation?.members.edges.map((e) => e.node) ?? [];
  return (
    <div className="stack admin-channels__members">
      <ul className="admin-list" aria-label="Channel members">
        {members.map((m) => (
          <li key={m.user.id}>
            <span>{m.user.name}</span>
            <span className="admin-badge">{ROLE_LABEL[m.role] ?? m.role}</span>
            <ModeratorToggle
              conversationId={conversationId}
              userId={m.user.id}
              role={m.role}
              onError={(e) => setActionError(describeError(e))}
            />
          </li>
        ))}
      </ul>
      {actionError && (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      )}
      <button type="button" className="button button--small" onClick={() => void refetch()}>
        Refresh members
      </button>
    </div>
  );
}

export function AdminChannels() {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const { data, loading, error } = useQuery(ChannelsDocument, {
    variables: { query: query.trim() || null, first: 50 },
    fetchPolicy: 'network-only',
  });
  const channels = data?.channels.edges.map((e) => e.node) ?? [];
  return (
    <section className="card stack" aria-labelledby="channels-title">
      <h3 className="section-title" id="channels-title">
        Channels
      </h3>
      <label className="field">
        <span>Find a channel</span>
        <input value={query} maxLength={100} onChange={(e) => setQuery(e.target.value)} />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {describeError(error)}
        </p>
      )}
      {!loading && channels.length === 0 && <p className="muted">No channels.</p>}
      <ul className="admin-channels">
        {channels.map((c) => (
          <li key={c.id} className="admin-channels__item">
            <div className="admin-channels__header">
              <strong className="admin-channels__name">#{c.title}</strong>
              <span className="muted">
                {c.memberCount} {c.memberCount === 1 ? 'member' : 'members'}
              </span>
              <a className="button button--small" href={`#/c/${encodeURIComponent(c.id)}`}>
                Open
              </a>
              <button
                type="button"
                className="button button--small"
                aria-expanded={open === c.id}
                onClick={() => setOpen(open === c.id ? null : c.id)}
              >
                {open === c.id ? 'Hide members' : 'Members and moderators'}
              </button>
            </div>
            {open === c.id && <ChannelMembers conversationId={c.id} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
