// The report queue: one card per reported user with their reported messages and the actions.
import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { ActOnReportsDocument, ReportQueueDocument, type ReportAction } from '@chatter/client';
import { Avatar } from '../ui/avatar';
import { describeError } from '../apollo/errors';

const DAY_MS = 86_400_000;

export function ReportQueue({ canSanction }: { canSanction: boolean }) {
  const { data, loading, refetch } = useQuery(ReportQueueDocument, { fetchPolicy: 'network-only' });
  const [act, { loading: acting }] = useMutation(ActOnReportsDocument);
  const [message, setMessage] = useState<string | null>(null);
  const groups = data?.reportQueue ?? [];

  const run = async (userId: string, name: string, action: ReportAction) => {
    setMessage(null);
    try {
      const resolved = await act({
        variables: {
          input: {
            userId,
            action,
            removeMessages: action === 'BAN' ? true : null,
            until: action === 'SUSPEND' ? new Date(Date.now() + DAY_MS).toISOString() : null,
          },
        },
      });
      const n = resolved.data?.actOnReports.length ?? 0;
      setMessage(`${name}: ${n} report${n === 1 ? '' : 's'} resolved.`);
      await refetch();
    } catch (error) {
      setMessage(describeError(error));
    }
  };

  if (loading && !data) return <p className="muted">Loading reports…</p>;
  return (
    <div className="stack">
      {message && (
        <p className="form-notice" role="status">
          {message}
        </p>
      )}
      {groups.length === 0 && <p className="muted">No open reports. All calm.</p>}
      {groups.map((g) => {
        const name = g.target?.name ?? 'Unknown user';
        return (
          <article
            key={g.targetUserId}
            className="card stack report-group"
            aria-label={`Reports about ${name}`}
          >
            <header className="report-group__header">
              <Avatar
                name={name}
                seed={g.targetUserId}
                url={g.target?.avatarUrl ?? null}
                size={36}
              />
              <div>
                <h3 className="report-group__name">{name}</h3>
                <p className="muted">
                  {g.reports.length} open report{g.reports.length === 1 ? '' : 's'}
                </p>
              </div>
            </header>
            <ul className="report-group__list">
              {g.reports.map((r) => (
                <li key={r.id}>
                  <span className="report-group__reason">{r.reason}</span>{' '}
                  {r.message ? (
                    <q className="report-group__quote">{r.message.body ?? '(deleted)'}</q>
                  ) : (
                    <span className="muted">the user</span>
                  )}
                  <span className="muted"> — by {r.reporter?.name ?? 'someone'}</span>
                  {r.note && <span className="muted"> “{r.note}”</span>}
                </li>
              ))}
            </ul>
            <div className="report-group__actions">
              <button
                type="button"
                className="button"
                disabled={acting}
                onClick={() => void run(g.targetUserId, name, 'DISMISS')}
              >
                Dismiss
              </button>
              <button
                type="button"
                className="button"
                disabled={acting}
                onClick={() => void run(g.targetUserId, name, 'DELETE')}
              >
                Delete messages
              </button>
              {canSanction && (
                <>
                  <button
                    type="button"
                    className="button"
                    disabled={acting}
                    onClick={() => void run(g.targetUserId, name, 'SUSPEND')}
                  >
                    Suspend 1 day
                  </button>
                  <button
                    type="button"
                    className="button button--danger"
                    disabled={acting}
                    onClick={() =>
                      window.confirm(`Ban ${name} and remove all their messages?`) &&
                      void run(g.targetUserId, name, 'BAN')
                    }
                  >
                    Ban and remove messages
                  </button>
                </>
              )}
            </div>
          </article>
        );
      })}
    </div>
  );
}
