// Tenant roles and current sanctions, with lifting.
import { useMutation, useQuery } from '@apollo/client';
import { LiftSanctionDocument, SanctionsDocument, TenantRolesDocument } from '@chatter/client';
import { describeError } from '../apollo/errors';
import { useState } from 'react';

export function AdminUsers() {
  const roles = useQuery(TenantRolesDocument, { fetchPolicy: 'network-only' });
  const sanctions = useQuery(SanctionsDocument, { fetchPolicy: 'network-only' });
  const [lift] = useMutation(LiftSanctionDocument);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="roles-title">
        <h3 className="section-title" id="roles-title">
          Owners and admins
        </h3>
        <ul className="admin-list">
          {(roles.data?.tenantRoles ?? []).map((g) => (
            <li key={g.userId}>
              <span>{g.user?.name ?? g.userId}</span>
              <span className="admin-badge">{g.role === 'OWNER' ? 'Owner' : 'Admin'}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card stack" aria-labelledby="sanctions-title">
        <h3 className="section-title" id="sanctions-title">
          Suspended and banned
        </h3>
        {(sanctions.data?.sanctions ?? []).length === 0 && <p className="muted">Nobody.</p>}
        <ul className="admin-list">
          {(sanctions.data?.sanctions ?? []).map((s) => (
            <li key={s.userId}>
              <span>{s.user?.name ?? s.userId}</span>
              <span className="admin-badge admin-badge--danger">
                {s.kind === 'BANNED'
                  ? 'Banned'
                  : `Suspended until ${new Date(s.until as string).toLocaleString()}`}
              </span>
              {s.reason && <span className="muted">{s.reason}</span>}
              <button
                type="button"
                className="button button--small"
                onClick={() =>
                  lift({ variables: { userId: s.userId } })
                    .then(() => sanctions.refetch())
                    .catch((e: unknown) => setError(describeError(e)))
                }
              >
                Lift
              </button>
            </li>
          ))}
        </ul>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </section>
    </div>
  );
}
