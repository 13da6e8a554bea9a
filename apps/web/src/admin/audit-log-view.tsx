// The audit log, newest first, filtered by action, with "older" paging.
import { useState } from 'react';
import { useQuery } from '@apollo/client';
import { AuditLogDocument, type AuditAction } from '@chatter/client';
import { appendEdges } from '../realtime/cache-writes';

const ACTIONS: { value: AuditAction | ''; label: string }[] = [
  { value: '', label: 'All actions' },
  { value: 'USER_BANNED', label: 'Bans' },
  { value: 'USER_SUSPENDED', label: 'Suspensions' },
  { value: 'SANCTION_LIFTED', label: 'Lifted sanctions' },
  { value: 'MESSAGES_REMOVED', label: 'Messages removed' },
  { value: 'MESSAGE_DELETED', label: 'Messages deleted' },
  { value: 'TENANT_ROLE_CHANGED', label: 'Tenant roles' },
  { value: 'MEMBER_ROLE_CHANGED', label: 'Conversation roles' },
  { value: 'MEMBER_REMOVED', label: 'Members removed' },
  { value: 'BOT_CREATED', label: 'Bots created' },
  { value: 'BOT_REVOKED', label: 'Bots revoked' },
  { value: 'WEBHOOK_CREATED', label: 'Webhooks created' },
  { value: 'WEBHOOK_ENABLED', label: 'Webhooks re-enabled' },
  { value: 'INCOMING_WEBHOOK_CREATED', label: 'Incoming webhooks created' },
  { value: 'INCOMING_WEBHOOK_REVOKED', label: 'Incoming webhooks revoked' },
  { value: 'SAFETY_SETTINGS_CHANGED', label: 'Safety settings' },
  { value: 'MESSAGES_EXPIRED', label: 'Retention' },
  { value: 'OIDC_PROVIDER_SAVED', label: 'Sign-in providers saved' },
  { value: 'OIDC_PROVIDER_REMOVED', label: 'Sign-in providers removed' },
];

const LABEL: Record<AuditAction, string> = {
  USER_BANNED: 'banned',
  USER_SUSPENDED: 'suspended',
  SANCTION_LIFTED: 'lifted the sanction of',
  MESSAGES_REMOVED: 'removed the messages of',
  MESSAGE_DELETED: 'deleted a message of',
  TENANT_ROLE_CHANGED: 'changed the tenant role of',
  MEMBER_ROLE_CHANGED: 'changed the conversation role of',
  MEMBER_REMOVED: 'removed from a conversation',
  BOT_CREATED: 'created the bot',
  BOT_REVOKED: 'revoked the bot',
  WEBHOOK_CREATED: 'created an outgoing webhook for',
  WEBHOOK_ENABLED: 're-enabled an outgoing webhook of',
  INCOMING_WEBHOOK_CREATED: 'created an incoming webhook for',
  INCOMING_WEBHOOK_REVOKED: 'revoked an incoming webhook of',
  SAFETY_SETTINGS_CHANGED: 'changed the safety settings',
  MESSAGES_EXPIRED: 'deleted expired messages',
  OIDC_PROVIDER_SAVED: 'saved a sign-in provider',
  OIDC_PROVIDER_REMOVED: 'removed a sign-in provider',
};

/** Actions about the tenant rather than a user. */
const UNTARGETED: readonly AuditAction[] = [
  'SAFETY_SETTINGS_CHANGED',
  'MESSAGES_EXPIRED',
  'OIDC_PROVIDER_SAVED',
  'OIDC_PROVIDER_REMOVED',
];

export function AuditLogView() {
  const [action, setAction] = useState<AuditAction | ''>('');
  const { data, fetchMore, loading } = useQuery(AuditLogDocument, {
    variables: { filter: action ? { action } : null, first: 30 },
    fetchPolicy: 'network-only',
  });
  const edges = data?.auditLog.edges ?? [];
  return (
    <div className="stack">
      <label className="field">
        <span>Show</span>
        <select
          className="input"
          value={action}
          onChange={(e) => setAction(e.target.value as AuditAction | '')}
        >
          {ACTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </label>
      {!loading && edges.length === 0 && <p className="muted">Nothing recorded.</p>}
      <ol className="audit-list">
        {edges.map(({ node: e }) => (
          <li key={e.id} className="audit-list__item">
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
            <span>
              <strong>
                {e.actor?.name ?? (e.action === 'MESSAGES_EXPIRED' ? 'Retention' : 'An operator')}
              </strong>{' '}
              {LABEL[e.action]}{' '}
              {!UNTARGETED.includes(e.action) && <strong>{e.target?.name ?? 'someone'}</strong>}
              {e.details.some((d) => d.value !== null) && (
                <span className="muted">
                  {' '}
                  (
                  {e.details
                    .filter((d) => d.value !== null)
                    .map((d) => `${d.key}: ${d.value}`)
                    .join(', ')}
                  )
                </span>
              )}
              {e.reason && <span className="muted"> — “{e.reason}”</span>}
            </span>
          </li>
        ))}
      </ol>
      {data?.auditLog.pageInfo.hasNextPage && (
        <button
          type="button"
          className="button"
          onClick={() =>
            void fetchMore({
              variables: { after: data.auditLog.pageInfo.endCursor },
              updateQuery: appendEdges('auditLog'),
            })
          }
        >
          Older
        </button>
      )}
    </div>
  );
}
