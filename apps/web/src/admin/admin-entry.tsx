// The way into the community administration area, for tenant owners and admins only.
import { useQuery } from '@apollo/client';
import { MyTenantAccessDocument } from '@chatter/client';

export function AdminEntry() {
  const { data } = useQuery(MyTenantAccessDocument);
  const role = data?.myTenantAccess.role;
  if (!role) return null;
  return (
    <section className="stack card" aria-labelledby="admin-entry-title">
      <h3 className="section-title" id="admin-entry-title">
        Community
      </h3>
      <p className="muted">
        You are a tenant {role === 'OWNER' ? 'owner' : 'admin'}: review reports, suspend or ban
        users, read the audit log.
      </p>
      <a className="button button--primary" href="#/admin/reports">
        Open administration
      </a>
    </section>
  );
}
